import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { isRecord } from './json-body.ts';

/** An RSA verification key from a JWKS, with its key id. */
export interface SigningKey {
  readonly kid?: string;
  readonly key: KeyObject;
}

/** Keys named by a Receiver Secret: an inline JWKS (`jwks`) or a JWKS URL (`jwksUrl`). */
export type KeysFor = (
  secret: Readonly<Record<string, string>>,
  kid: string | undefined,
) => Promise<SigningKey[]>;

export const jwksDefaults = Object.freeze({
  /** Google's OAuth 2.0 signing keys, used when a Secret names neither `jwks` nor `jwksUrl`. */
  googleCertsUrl: 'https://www.googleapis.com/oauth2/v3/certs',
  /** Google rotates keys over days; an hour keeps a fresh key set without a fetch per request. */
  maxAgeMs: 60 * 60 * 1000,
  /** An unknown `kid` refetches (a rotation), at most this often, so forged kids cannot hammer Google. */
  minRefetchMs: 60 * 1000,
  timeoutMs: 5000,
  maxBytes: 256 * 1024,
});

export interface JwksOptions {
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly maxAgeMs?: number;
  readonly minRefetchMs?: number;
  readonly timeoutMs?: number;
}

/** RSA public keys of a JWKS document; entries that are not usable RSA signing keys are skipped. */
export const parseJwks = (document: unknown): SigningKey[] => {
  if (!isRecord(document) || !Array.isArray(document.keys)) return [];
  const keys: SigningKey[] = [];
  for (const jwk of document.keys) {
    if (!isRecord(jwk) || jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
    try {
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      keys.push({ ...(typeof jwk.kid === 'string' && { kid: jwk.kid }), key });
    } catch {
      // A malformed entry: the remaining keys still serve.
    }
  }
  return keys;
};

const byKid = (keys: readonly SigningKey[], kid: string | undefined) =>
  kid === undefined ? [...keys] : keys.filter((k) => k.kid === kid);

interface CacheEntry {
  keys: SigningKey[];
  fetchedAt: number;
  pending?: Promise<void>;
}

/**
 * Resolves signing keys for a Receiver: inline keys as given, URL keys fetched with Node's fetch
 * and cached (`maxAgeMs`; an unknown `kid` refetches at most every `minRefetchMs`). A failed fetch
 * yields no keys, so the request is refused (401) and the sender retries.
 */
export const createJwksKeys = (options: JwksOptions = {}): KeysFor => {
  const fetchJson = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? jwksDefaults.maxAgeMs;
  const minRefetchMs = options.minRefetchMs ?? jwksDefaults.minRefetchMs;
  const timeoutMs = options.timeoutMs ?? jwksDefaults.timeoutMs;
  const cache = new Map<string, CacheEntry>();

  const load = async (url: string, entry: CacheEntry) => {
    try {
      const response = await fetchJson(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = response.ok ? await response.text() : '';
      if (text.length > jwksDefaults.maxBytes) return;
      const keys = parseJwks(text ? JSON.parse(text) : undefined);
      if (keys.length > 0) entry.keys = keys;
    } catch {
      // Unreachable or garbled: keep the keys we had; the attempt time still throttles retries.
    }
  };

  const refresh = (url: string, entry: CacheEntry) => {
    entry.fetchedAt = now();
    entry.pending ??= load(url, entry).finally(() => {
      entry.pending = undefined;
    });
    return entry.pending;
  };

  return async (secret, kid) => {
    if (secret.jwks !== undefined) {
      try {
        return byKid(parseJwks(JSON.parse(secret.jwks)), kid);
      } catch {
        return [];
      }
    }
    const url = secret.jwksUrl || jwksDefaults.googleCertsUrl;
    let entry = cache.get(url);
    if (!entry) {
      entry = { keys: [], fetchedAt: Number.NEGATIVE_INFINITY };
      cache.set(url, entry);
    }
    const age = now() - entry.fetchedAt;
    if (entry.pending) await entry.pending;
    else if (age >= maxAgeMs || (byKid(entry.keys, kid).length === 0 && age >= minRefetchMs)) {
      await refresh(url, entry);
    }
    return byKid(entry.keys, kid);
  };
};
