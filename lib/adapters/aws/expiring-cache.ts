/** A value with the clock time (ms since the epoch) after which it must not be used any more. */
export interface Expiring<T> {
  readonly value: T;
  readonly expiresAt: number;
}

export interface ExpiringCache<T> {
  /** The live value for `key`, or what `load` brings; concurrent callers share one load. Failures are not cached. */
  get(key: string, load: () => Promise<Expiring<T>>): Promise<{ value: T; fromCache: boolean }>;
  delete(key: string): void;
}

export const expiringCacheDefaults = Object.freeze({ maxEntries: 1000 });

/**
 * Credentials, registry tokens and secrets cached until their expiry (the loader subtracts its own
 * safety margin), with single-flight loading so a burst of callers makes one AWS call. Keys are built by
 * the callers and never contain secrets. Bounded: the oldest entry goes when `maxEntries` is reached.
 */
export const createExpiringCache = <T>(options: {
  readonly clock: () => number;
  readonly maxEntries?: number;
}): ExpiringCache<T> => {
  const { clock, maxEntries } = { ...expiringCacheDefaults, ...options };
  const entries = new Map<string, Expiring<T>>();
  const inFlight = new Map<string, Promise<Expiring<T>>>();

  function remember(key: string, entry: Expiring<T>): void {
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
  }

  async function getOrLoad(key: string, load: () => Promise<Expiring<T>>) {
    const cached = entries.get(key);
    if (cached && cached.expiresAt > clock()) return { value: cached.value, fromCache: true };
    entries.delete(key);
    let pending = inFlight.get(key);
    if (!pending) {
      pending = load().finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
      // Only the caller that started the load stores it, once.
      pending.then((entry) => remember(key, entry)).catch(() => {});
    }
    const fresh = await pending;
    return { value: fresh.value, fromCache: false };
  }

  return {
    get: getOrLoad,
    delete: (key) => {
      entries.delete(key);
    },
  };
};
