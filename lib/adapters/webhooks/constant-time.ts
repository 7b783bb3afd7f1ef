import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets without leaking, through timing, how much of them matched. Both sides are
 * hashed first so that inputs of different lengths take the same time too.
 */
export const constantTimeEqual = (a: string | Uint8Array, b: string | Uint8Array): boolean => {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
};

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

export const hmacHex = (algorithm: HmacAlgorithm, key: string, body: Uint8Array): string =>
  createHmac(algorithm, key).update(body).digest('hex');

/**
 * Verifies a `<algo>=<hex>` signature header (GitHub, Flux generic-hmac) over the raw body.
 * The algorithm comes from the prefix but only from the allowed list.
 */
export const verifyPrefixedHmac = (
  header: string | undefined,
  key: string,
  body: Uint8Array,
  allowed: readonly HmacAlgorithm[],
): boolean => {
  if (!header) return false;
  const separator = header.indexOf('=');
  if (separator < 0) return false;
  const algorithm = header.slice(0, separator).trim().toLowerCase() as HmacAlgorithm;
  if (!allowed.includes(algorithm)) return false;
  const given = header
    .slice(separator + 1)
    .trim()
    .toLowerCase();
  return constantTimeEqual(given, hmacHex(algorithm, key, body));
};
