import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { InternalError } from '../../domain/errors.ts';
import { applyGitDelta } from './git-delta.ts';

/**
 * Reading objects out of one packfile held in memory (gitformat-pack(5)), with Node's native
 * zlib and a bounded cache of resolved objects. isomorphic-git reads packs with pako (JavaScript
 * inflate) and re-resolves delta chains per read; a scan that reads every blob of a 20,000-file
 * repository spent ~2 s there.
 */

export type GitObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface GitObject {
  readonly type: GitObjectType;
  readonly content: Buffer;
}

/** One entry as stored in the pack: where it starts, where its compressed data starts, its base. */
export interface PackEntryHeader {
  readonly offset: number;
  /** 1 commit, 2 tree, 3 blob, 4 tag, 6 ofs-delta, 7 ref-delta. */
  readonly kind: number;
  /** Inflated size (of the delta itself, for deltas). */
  readonly size: number;
  readonly dataOffset: number;
  readonly baseOffset?: number;
  readonly baseOid?: string;
}

const TYPES: Readonly<Record<number, GitObjectType>> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };

export const objectTypeOf = (kind: number): GitObjectType | undefined => TYPES[kind];

/** The object id git gives `content` of `type`: sha1("<type> <size>\0" + content). */
export const objectId = (type: GitObjectType, content: Uint8Array): string =>
  createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');

export const readEntryHeader = (pack: Buffer, offset: number): PackEntryHeader => {
  let at = offset;
  let byte = pack[at++] ?? 0;
  const kind = (byte >> 4) & 0x07;
  let size = byte & 0x0f;
  let shift = 4;
  while (byte & 0x80) {
    byte = pack[at++] ?? 0;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (kind === 6) {
    // Offset encoding with the "+1 per continuation byte" bias (pack-format.txt, OBJ_OFS_DELTA).
    byte = pack[at++] ?? 0;
    let distance = byte & 0x7f;
    while (byte & 0x80) {
      byte = pack[at++] ?? 0;
      distance = (distance + 1) * 128 + (byte & 0x7f);
    }
    if (distance <= 0 || distance > offset)
      throw new InternalError(`pack: bad delta base offset at ${offset}`);
    return { offset, kind, size, dataOffset: at, baseOffset: offset - distance };
  }
  if (kind === 7) {
    const baseOid = pack.subarray(at, at + 20).toString('hex');
    return { offset, kind, size, dataOffset: at + 20, baseOid };
  }
  if (!TYPES[kind]) throw new InternalError(`pack: unknown object type ${kind} at ${offset}`);
  return { offset, kind, size, dataOffset: at };
};

/** Inflates the zlib stream at `dataOffset`; `consumed` is how many compressed bytes it used. */
export const inflateEntry = (pack: Buffer, header: PackEntryHeader): { data: Buffer; consumed: number } => {
  const result = inflateSync(pack.subarray(header.dataOffset), { info: true }) as unknown as {
    buffer: Buffer;
    engine: { bytesWritten: number };
  };
  if (result.buffer.length !== header.size)
    throw new InternalError(`pack: object at ${header.offset} inflated to the wrong size`);
  return { data: result.buffer, consumed: result.engine.bytesWritten };
};

/**
 * A size-bounded cache of resolved objects by pack offset (delta bases are read again and again).
 * Two generations instead of a strict LRU: when the young one is full it becomes the old one and
 * the previous old one is dropped; a hit in the old generation is promoted. O(1) per operation —
 * a Map used as an LRU (delete + re-insert, evict from the front) slowed to a crawl here, because
 * V8 walks over every deleted slot at the front of the Map on each eviction.
 */
const objectCache = (maxBytes: number) => {
  const half = Math.max(1, Math.floor(maxBytes / 2));
  let young = new Map<number, GitObject>();
  let old = new Map<number, GitObject>();
  let youngBytes = 0;
  const put = (offset: number, object: GitObject) => {
    if (youngBytes + object.content.length > half) {
      old = young;
      young = new Map();
      youngBytes = 0;
    }
    young.set(offset, object);
    youngBytes += object.content.length;
  };
  return {
    get(offset: number): GitObject | undefined {
      const hit = young.get(offset);
      if (hit) return hit;
      const aging = old.get(offset);
      if (aging) {
        old.delete(offset);
        put(offset, aging);
      }
      return aging;
    },
    set(offset: number, object: GitObject) {
      if (object.content.length > half || young.has(offset)) return;
      put(offset, object);
    },
    clear() {
      young = new Map();
      old = new Map();
      youngBytes = 0;
    },
  };
};

export interface PackReader {
  /** True when the pack holds `oid`. */
  has(oid: string): boolean;
  /** The object `oid`; callers must not modify `content` (it may be shared with the cache). */
  read(oid: string): GitObject;
  /** The object at a pack offset (used while indexing). */
  readAt(offset: number): GitObject;
  /** Remembers an object already resolved at `offset` (indexing resolves each once). */
  remember(offset: number, object: GitObject): void;
  /** Adds `oid` → `offset` (indexing learns ids as it goes). */
  locate(oid: string, offset: number): void;
  dispose(): void;
}

export const packReaderDefaults = Object.freeze({ cacheBytes: 32 * 1024 * 1024, maxChain: 10_000 });

export const createPackReader = (
  pack: Buffer,
  options: { cacheBytes?: number; offsets?: Map<string, number> } = {},
): PackReader => {
  const offsets = options.offsets ?? new Map<string, number>();
  const cache = objectCache(options.cacheBytes ?? packReaderDefaults.cacheBytes);

  // Iterative, so a long delta chain cannot overflow the stack: walk down to a cached or whole
  // object, then apply the deltas back up, caching every step (the next blob usually shares bases).
  const readAt = (offset: number): GitObject => {
    const cached = cache.get(offset);
    if (cached) return cached;
    const chain: PackEntryHeader[] = [];
    let base: GitObject | undefined;
    let at = offset;
    for (;;) {
      if (chain.length > packReaderDefaults.maxChain) throw new InternalError('pack: delta chain too long');
      const hit = cache.get(at);
      if (hit) {
        base = hit;
        break;
      }
      const header = readEntryHeader(pack, at);
      const type = objectTypeOf(header.kind);
      if (type) {
        base = { type, content: inflateEntry(pack, header).data };
        cache.set(at, base);
        break;
      }
      chain.push(header);
      if (header.baseOffset !== undefined) at = header.baseOffset;
      else {
        const located = offsets.get(header.baseOid ?? '');
        if (located === undefined)
          throw new InternalError(`pack: delta base ${header.baseOid} is not in the pack`);
        at = located;
      }
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const header = chain[i] as PackEntryHeader;
      base = { type: base.type, content: applyGitDelta(inflateEntry(pack, header).data, base.content) };
      cache.set(header.offset, base);
    }
    return base;
  };

  return {
    has: (oid) => offsets.has(oid),
    read: (oid) => {
      const offset = offsets.get(oid);
      if (offset === undefined) throw new InternalError(`pack: object ${oid} is not in the pack`);
      return readAt(offset);
    },
    readAt,
    remember: (offset, object) => cache.set(offset, object),
    locate: (oid, offset) => {
      offsets.set(oid, offset);
    },
    dispose: () => {
      cache.clear();
      offsets.clear();
    },
  };
};
