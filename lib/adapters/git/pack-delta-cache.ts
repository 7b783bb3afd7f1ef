/**
 * Turns on isomorphic-git's packfile delta cache, bounded.
 *
 * Why: isomorphic-git 1.44 caches inflated delta bases only while `readDepth > 3`, but a pack
 * index loaded from its `.idx` file (every index after clone) never initialises `readDepth`, so
 * `undefined++` is NaN and nothing is ever cached: each blob read re-inflates its whole delta chain
 * (up to 50 deep in a `git gc`'d pack). Reading 1,000 YAML files took ~700 ms, ~170 ms with the
 * cache. We set `readDepth` and give `offsetCache` an LRU bound so memory stays predictable.
 *
 * This reaches into isomorphic-git internals (the `PackfileCache` symbol on the `cache` object,
 * `GitPackIndex.readDepth` / `.offsetCache`); when they are not found it does nothing, and the only
 * cost is speed. So isomorphic-git is pinned to an exact version in package.json, and
 * test/adapters/git/pack-delta-cache.test.ts checks these assumptions against the installed library:
 * an upgrade that moves or fixes them fails there, loudly, instead of silently losing the speed.
 */

interface CachedObject {
  readonly type: string;
  readonly object: Uint8Array;
}

interface PackIndexInternals {
  readDepth?: number;
  offsetCache?: Record<string, CachedObject>;
}

/** An object usable as `offsetCache[start]` that forgets least-recently-used entries beyond `maxBytes`. */
const lruObject = (maxBytes: number): Record<string, CachedObject> => {
  const entries = new Map<string, CachedObject>();
  let bytes = 0;
  return new Proxy({} as Record<string, CachedObject>, {
    get: (_target, key) => {
      if (typeof key !== 'string') return undefined;
      const entry = entries.get(key);
      if (entry) {
        entries.delete(key);
        entries.set(key, entry);
      }
      return entry;
    },
    set: (_target, key, value: CachedObject) => {
      if (typeof key !== 'string') return false;
      const previous = entries.get(key);
      if (previous) bytes -= previous.object.byteLength;
      entries.delete(key);
      entries.set(key, value);
      bytes += value.object.byteLength;
      for (const [oldest, entry] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(oldest);
        bytes -= entry.object.byteLength;
      }
      return true;
    },
  });
};

/** Call after the pack index has been loaded into `cache` (any object read does that). */
export const enablePackDeltaCache = async (cache: object | undefined, maxBytes: number): Promise<void> => {
  if (!cache || maxBytes <= 0) return;
  const symbol = Object.getOwnPropertySymbols(cache).find((s) => s.description === 'PackfileCache');
  const packs = symbol === undefined ? undefined : (cache as Record<symbol, unknown>)[symbol];
  if (!(packs instanceof Map)) return;
  for (const pending of packs.values()) {
    const index = (await Promise.resolve(pending).catch(() => undefined)) as PackIndexInternals | undefined;
    // Already a finite number: a fixed isomorphic-git, or patched before. (`undefined++` left NaN.)
    if (!index || typeof index !== 'object' || Number.isFinite(index.readDepth)) continue;
    index.readDepth = 0;
    index.offsetCache = lruObject(maxBytes);
  }
};
