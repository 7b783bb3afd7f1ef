import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readBlob } from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enablePackDeltaCache } from '../../../lib/adapters/git/pack-delta-cache.ts';

interface FakeIndex {
  readDepth?: number;
  offsetCache: Record<string, { type: string; object: Uint8Array } | undefined>;
}

/** The shape isomorphic-git 1.44 leaves on its `cache` object after reading from a pack. */
const cacheWith = (index: FakeIndex) => ({
  [Symbol('PackfileCache')]: new Map([['/repo.git/objects/pack/pack-1.idx', Promise.resolve(index)]]),
});
const entry = (size: number) => ({ type: 'blob', object: new Uint8Array(size) });

describe('enablePackDeltaCache', () => {
  it('repairs the NaN read depth of an index loaded from .idx and bounds its cache (LRU)', async () => {
    const index: FakeIndex = { readDepth: Number.NaN, offsetCache: {} };
    await enablePackDeltaCache(cacheWith(index), 100);
    expect(index.readDepth).toBe(0);

    index.offsetCache[10] = entry(40);
    index.offsetCache[20] = entry(40);
    expect(index.offsetCache[10]).toBeDefined(); // touch: 20 is now the least recently used
    index.offsetCache[30] = entry(40);

    expect(index.offsetCache[20]).toBeUndefined();
    expect(index.offsetCache[10]?.object.byteLength).toBe(40);
    expect(index.offsetCache[30]?.object.byteLength).toBe(40);
  });

  it('leaves a working index, an unknown cache shape, or a zero budget alone', async () => {
    const healthy: FakeIndex = { readDepth: 7, offsetCache: {} };
    await enablePackDeltaCache(cacheWith(healthy), 100);
    expect(healthy.readDepth).toBe(7);

    const untouched: FakeIndex = { offsetCache: {} };
    await enablePackDeltaCache(cacheWith(untouched), 0);
    expect(untouched.readDepth).toBeUndefined();

    await expect(enablePackDeltaCache({}, 100)).resolves.toBeUndefined();
    await expect(enablePackDeltaCache(undefined, 100)).resolves.toBeUndefined();
  });
});

/**
 * The assumptions pack-delta-cache.ts makes about isomorphic-git internals, checked against the
 * installed library (pinned to an exact version in package.json). When an upgrade breaks one of
 * these, the repair is obsolete or reaches into the wrong place: re-measure, then adapt or delete it.
 */
describe('enablePackDeltaCache against the installed isomorphic-git', () => {
  const run = promisify(execFile);
  let dir: string;
  let gitdir: string;
  let blobs: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pack-delta-cache-'));
    const git = (...args: string[]) => run('git', ['-C', dir, ...args], { encoding: 'utf8' });
    await git('init', '-q', '-b', 'main');
    for (let round = 0; round < 3; round++) {
      await mkdir(join(dir, 'apps'), { recursive: true });
      for (let i = 0; i < 40; i++) {
        const body = `kind: Deployment\nmetadata: {name: svc-${i}}\nspec:\n  image: example.com/svc-${i}:1.${round}.0\n`;
        await writeFile(join(dir, 'apps', `svc-${i}.yaml`), body + '  # padding line\n'.repeat(30));
      }
      await git('add', '-A');
      await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', `round ${round}`);
    }
    await git('gc', '-q', '--aggressive'); // one pack, similar blobs stored as deltas
    gitdir = join(dir, '.git');
    const listing = await git('cat-file', '--batch-all-objects', '--batch-check');
    blobs = listing.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .filter(([, type]) => type === 'blob')
      .map(([oid]) => oid as string);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const packIndexOf = async (cache: object): Promise<Record<string, unknown>> => {
    const symbol = Object.getOwnPropertySymbols(cache).find((s) => s.description === 'PackfileCache');
    expect(symbol, 'isomorphic-git keeps pack indexes under Symbol(PackfileCache) on `cache`').toBeDefined();
    const packs = (cache as Record<symbol, unknown>)[symbol as symbol];
    expect(packs).toBeInstanceOf(Map);
    const indexes = await Promise.all([...(packs as Map<string, Promise<object>>).values()]);
    expect(indexes).toHaveLength(1);
    return indexes[0] as Record<string, unknown>;
  };

  it('is pinned: package.json names the exact installed version', async () => {
    const manifest = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));
    const installed = JSON.parse(
      await readFile(new URL('../../../node_modules/isomorphic-git/package.json', import.meta.url), 'utf8'),
    );
    expect(manifest.dependencies['isomorphic-git']).toBe(installed.version);
  });

  it('an index loaded from .idx still has a NaN read depth, so nothing is cached without the repair', async () => {
    const cache = {};
    for (const oid of blobs) await readBlob({ fs, gitdir, oid, cache });
    const index = await packIndexOf(cache);
    expect(index.readDepth).toBeNaN(); // `undefined++`: the bug the repair works around
    expect(typeof index.readSlice).toBe('function');
    expect(index.offsetCache).toEqual({}); // a plain object keyed by pack offset, never written
  });

  it('after the repair, reads fill and hit the bounded offsetCache and return the same bytes', async () => {
    const plain = new Map<string, Uint8Array>();
    for (const oid of blobs) plain.set(oid, (await readBlob({ fs, gitdir, oid })).blob);

    const cache = {};
    await readBlob({ fs, gitdir, oid: blobs[0] as string, cache }); // loads the pack index
    await enablePackDeltaCache(cache, 1024 * 1024);
    const index = await packIndexOf(cache);
    expect(index.readDepth).toBe(0);
    // Count how isomorphic-git uses the cache we installed: it reads offsetCache[start] first and
    // writes offsetCache[start] = { type, object } once readDepth > 3.
    const installed = index.offsetCache as Record<string, unknown>;
    const counts = { sets: 0, hits: 0 };
    index.offsetCache = new Proxy(installed, {
      get: (target, key) => {
        const value = Reflect.get(target, key);
        if (value !== undefined) counts.hits++;
        return value;
      },
      set: (target, key, value) => {
        counts.sets++;
        return Reflect.set(target, key, value);
      },
    });
    for (let pass = 0; pass < 2; pass++) {
      for (const oid of blobs) {
        expect(Buffer.from((await readBlob({ fs, gitdir, oid, cache })).blob)).toEqual(
          Buffer.from(plain.get(oid) as Uint8Array),
        );
      }
    }
    expect(counts.sets).toBeGreaterThan(0);
    expect(counts.hits).toBeGreaterThan(0);
  });
});
