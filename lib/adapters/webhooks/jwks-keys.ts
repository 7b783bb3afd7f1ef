import { createLocalJWKSet, createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';

/**
 * The keys a Receiver Secret names: an inline JWKS (`jwks`) or a JWKS URL (`jwksUrl`, default
 * Google's certs), as a jose key resolver; `undefined` when the Secret's keys are unusable.
 */
export type KeysFor = (secret: Readonly<Record<string, string>>) => JWTVerifyGetKey | undefined;

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
}

/** A fetch that refuses a key document over `maxBytes` (whatever comes from outside is bounded). */
const bounded =
  (fetchImpl: typeof fetch): typeof fetch =>
  async (url, init) => {
    const response = await fetchImpl(url, init);
    const text = await response.text();
    if (text.length > jwksDefaults.maxBytes) throw new Error('JWKS document too large');
    return new Response(text, { status: response.status, headers: response.headers });
  };

/**
 * Resolves signing keys for a Receiver with jose: inline keys as given; URL keys fetched and cached
 * by jose's remote key set (`maxAgeMs`; an unknown `kid` refetches at most every `minRefetchMs`;
 * jose measures both on `Date.now()`). A failed fetch makes the resolver throw, so the request is
 * refused (401) and the sender retries.
 */
export const createJwksKeys = (options: JwksOptions = {}): KeysFor => {
  const fetchImpl = bounded(options.fetch ?? ((url, init) => fetch(url, init)));
  const remote = new Map<string, JWTVerifyGetKey>();
  return (secret) => {
    try {
      if (secret.jwks !== undefined) return createLocalJWKSet(JSON.parse(secret.jwks));
      const url = secret.jwksUrl || jwksDefaults.googleCertsUrl;
      let keys = remote.get(url);
      if (!keys) {
        keys = createRemoteJWKSet(new URL(url), {
          cacheMaxAge: jwksDefaults.maxAgeMs,
          cooldownDuration: jwksDefaults.minRefetchMs,
          timeoutDuration: jwksDefaults.timeoutMs,
          [customFetch]: fetchImpl,
        });
        remote.set(url, keys);
      }
      return keys;
    } catch {
      // Inline JSON that is no key set, or a URL that is no URL.
      return undefined;
    }
  };
};
