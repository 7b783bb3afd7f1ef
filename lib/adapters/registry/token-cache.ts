export interface CachedToken {
  readonly token: string;
  /** Clock time (ms) after which the token is no longer offered. */
  readonly expiresAt: number;
}

export interface TokenCache {
  /** A live token for `key`, or the one `fetchToken` brings; concurrent callers share one fetch. */
  get(key: string, fetchToken: () => Promise<CachedToken>): Promise<{ token: string; fromCache: boolean }>;
  delete(key: string): void;
}

/**
 * Bearer tokens per (registry, realm, service, scope, credentials), kept until shortly before they expire.
 * Keys are built by the caller and must not contain secrets (hash them).
 */
export const createTokenCache = (clock: () => number): TokenCache => {
  const tokens = new Map<string, CachedToken>();
  const inFlight = new Map<string, Promise<CachedToken>>();

  async function getToken(key: string, fetchToken: () => Promise<CachedToken>) {
    const cached = tokens.get(key);
    if (cached && cached.expiresAt > clock()) return { token: cached.token, fromCache: true };
    tokens.delete(key);
    let pending = inFlight.get(key);
    if (!pending) {
      pending = fetchToken().finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    const fresh = await pending;
    tokens.set(key, fresh);
    return { token: fresh.token, fromCache: false };
  }

  return {
    get: getToken,
    delete: (key) => {
      tokens.delete(key);
    },
  };
};
