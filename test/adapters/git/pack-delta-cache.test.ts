import { describe, expect, it } from 'vitest';
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
