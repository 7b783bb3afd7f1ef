import { createHash } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import { InternalError } from '../../domain/errors.ts';
import { applyGitDelta } from './git-delta.ts';
import {
  createPackReader,
  type GitObject,
  inflateEntry,
  objectId,
  objectTypeOf,
  type PackEntryHeader,
  type PackReader,
  readEntryHeader,
} from './pack-file.ts';

/**
 * Indexes a fetched pack in one pass (what `git index-pack` does): every object is inflated once
 * with native zlib, deltas are resolved against a bounded cache, ids are hashed, and an idx v2 file
 * is written for isomorphic-git (which still builds and pushes commits from this clone). While each
 * blob is in hand, it is searched for the screening tokens, so a later scan for a marker need not
 * inflate it again: "which files may contain `"$imagepolicy"`" is answered from ids alone.
 */

export interface IndexedPack {
  readonly reader: PackReader;
  /** The idx v2 file for this pack (gitformat-pack(5), "pack-*.idx files have the following format"). */
  readonly idx: Buffer;
  /** Hex SHA-1 trailer of the pack: its name is `pack-<checksum>.pack`. */
  readonly checksum: string;
  readonly objects: number;
  /** Screening token → ids of the blobs whose bytes contain it. */
  readonly blobsContaining: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface IndexPackOptions {
  readonly screenTokens?: readonly string[];
  readonly cacheBytes?: number;
  /** Objects between yields to the event loop, so a service stays responsive while a big pack is indexed. */
  readonly yieldEvery?: number;
}

interface IndexEntry {
  readonly offset: number;
  readonly crc: number;
  oid?: string;
}

const LARGE_OFFSET = 0x80000000;

const writeIdxV2 = (entries: readonly IndexEntry[], checksum: Buffer): Buffer => {
  const sorted = entries
    .map((e) => ({ ...e, id: Buffer.from(e.oid ?? '', 'hex') }))
    .sort((a, b) => Buffer.compare(a.id, b.id));
  const large = sorted.filter((e) => e.offset >= LARGE_OFFSET);
  const n = sorted.length;
  const out = Buffer.alloc(8 + 256 * 4 + n * 28 + large.length * 8 + 40);
  out.writeUInt32BE(0xff744f63, 0);
  out.writeUInt32BE(2, 4);
  const fanout = new Uint32Array(256);
  for (const e of sorted) fanout[e.id[0] as number] = (fanout[e.id[0] as number] ?? 0) + 1;
  let total = 0;
  for (let i = 0; i < 256; i++) {
    total += fanout[i] ?? 0;
    out.writeUInt32BE(total, 8 + i * 4);
  }
  const ids = 8 + 1024;
  const crcs = ids + n * 20;
  const offsets = crcs + n * 4;
  const largeOffsets = offsets + n * 4;
  let nextLarge = 0;
  sorted.forEach((e, i) => {
    e.id.copy(out, ids + i * 20);
    out.writeUInt32BE(e.crc >>> 0, crcs + i * 4);
    if (e.offset < LARGE_OFFSET) out.writeUInt32BE(e.offset, offsets + i * 4);
    else {
      out.writeUInt32BE((LARGE_OFFSET | nextLarge) >>> 0, offsets + i * 4);
      out.writeBigUInt64BE(BigInt(e.offset), largeOffsets + nextLarge * 8);
      nextLarge++;
    }
  });
  const trailer = largeOffsets + large.length * 8;
  checksum.copy(out, trailer);
  createHash('sha1')
    .update(out.subarray(0, trailer + 20))
    .digest()
    .copy(out, trailer + 20);
  return out;
};

export const indexPack = async (pack: Buffer, options: IndexPackOptions = {}): Promise<IndexedPack> => {
  if (pack.length < 32 || pack.toString('latin1', 0, 4) !== 'PACK')
    throw new InternalError('pack: not a packfile');
  const version = pack.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new InternalError(`pack: unsupported version ${version}`);
  const count = pack.readUInt32BE(8);
  const body = pack.length - 20;
  const checksum = pack.subarray(body);
  if (!createHash('sha1').update(pack.subarray(0, body)).digest().equals(checksum))
    throw new InternalError('pack: checksum mismatch (truncated or corrupt)');

  const reader = createPackReader(pack, { cacheBytes: options.cacheBytes });
  const tokens = (options.screenTokens ?? []).map((token) => ({ token, bytes: Buffer.from(token) }));
  const containing = new Map(tokens.map(({ token }) => [token, new Set<string>()]));
  const yieldEvery = options.yieldEvery ?? 500;
  const entries: IndexEntry[] = [];
  const deferred: Array<{ entry: IndexEntry; header: PackEntryHeader; delta: Buffer }> = [];

  const settle = (entry: IndexEntry, object: GitObject) => {
    const oid = objectId(object.type, object.content);
    entry.oid = oid;
    reader.locate(oid, entry.offset);
    reader.remember(entry.offset, object);
    if (object.type !== 'blob') return;
    for (const { token, bytes } of tokens)
      if (object.content.indexOf(bytes) !== -1) containing.get(token)?.add(oid);
  };

  let at = 12;
  for (let i = 0; i < count; i++) {
    if (at >= body) throw new InternalError('pack: fewer objects than its header says');
    const header = readEntryHeader(pack, at);
    const { data, consumed } = inflateEntry(pack, header);
    const end = header.dataOffset + consumed;
    const entry: IndexEntry = { offset: at, crc: crc32(pack.subarray(at, end)) };
    entries.push(entry);
    const type = objectTypeOf(header.kind);
    if (type) settle(entry, { type, content: data });
    else if (header.baseOffset !== undefined) {
      const base = reader.readAt(header.baseOffset);
      settle(entry, { type: base.type, content: applyGitDelta(data, base.content) });
    } else if (reader.has(header.baseOid ?? '')) {
      const base = reader.read(header.baseOid ?? '');
      settle(entry, { type: base.type, content: applyGitDelta(data, base.content) });
    } else deferred.push({ entry, header, delta: data }); // a ref-delta to a later object
    at = end;
    if (i % yieldEvery === yieldEvery - 1) await yieldToLoop();
  }
  if (at !== body) throw new InternalError('pack: trailing data after the last object');
  // Bases that came later in the pack: resolve in rounds until nothing moves.
  while (deferred.length > 0) {
    const before = deferred.length;
    for (let i = deferred.length - 1; i >= 0; i--) {
      const { entry, header, delta } = deferred[i] as (typeof deferred)[number];
      if (!reader.has(header.baseOid ?? '')) continue;
      const base = reader.read(header.baseOid ?? '');
      settle(entry, { type: base.type, content: applyGitDelta(delta, base.content) });
      deferred.splice(i, 1);
    }
    if (deferred.length === before) throw new InternalError('pack: a delta base is missing (thin pack?)');
  }
  return {
    reader,
    idx: writeIdxV2(entries, checksum),
    checksum: checksum.toString('hex'),
    objects: count,
    blobsContaining: containing,
  };
};
