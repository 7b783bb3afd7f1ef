import { verify as verifySignature } from 'node:crypto';
import { isRecord } from './json-body.ts';
import type { KeysFor } from './jwks-keys.ts';
import { refused, verified } from './parsed-hook.ts';
import type { Verification } from './webhook-request.ts';

/**
 * Verifies the Google-signed OIDC ID token a Pub/Sub push subscription sends as
 * `Authorization: Bearer <JWT>`, the way Google documents it and Flux does since CVE-2026-40109:
 * https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions
 *
 * RS256 only (the `alg` header is checked, so `none` or an HMAC "signed" with a public key never
 * pass), a signature by one of the Receiver's keys, `iss` Google, `aud` the configured audience,
 * `email` the subscription's service account with `email_verified`, and `exp`/`iat`/`nbf` with a
 * little clock skew. The reasons name the failed check, never the token or a claim value.
 */
export const GOOGLE_ISSUERS: ReadonlySet<string> = new Set([
  'accounts.google.com',
  'https://accounts.google.com',
]);

export const idTokenDefaults = Object.freeze({ skewSeconds: 60, maxTokenLength: 16 * 1024 });

export interface IdTokenExpectations {
  readonly audience: string;
  readonly email: string;
  readonly now: Date;
  readonly skewSeconds?: number;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

const decodeJson = (segment: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

export const verifyGoogleIdToken = async (
  authorization: string | undefined,
  secret: Readonly<Record<string, string>>,
  keysFor: KeysFor,
  expected: IdTokenExpectations,
): Promise<Verification> => {
  const token = /^bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  if (!token) return refused('missing bearer token');
  const parts = token.split('.');
  if (
    token.length > idTokenDefaults.maxTokenLength ||
    parts.length !== 3 ||
    !parts.every((p) => SEGMENT.test(p))
  ) {
    return refused('malformed token');
  }
  const [head = '', body = '', signature = ''] = parts;
  const header = decodeJson(head);
  const claims = decodeJson(body);
  if (!header || !claims) return refused('malformed token');
  if (header.alg !== 'RS256') return refused('token is not RS256-signed');
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const keys = await keysFor(secret, kid);
  if (keys.length === 0) return refused('no signing key for this token');
  const signed = Buffer.from(`${head}.${body}`);
  const bytes = Buffer.from(signature, 'base64url');
  const valid = keys.some(
    ({ key }) => key.asymmetricKeyType === 'rsa' && verifySignature('sha256', signed, key, bytes),
  );
  if (!valid) return refused('token signature does not verify');
  return checkClaims(claims, expected);
};

const checkClaims = (claims: Record<string, unknown>, expected: IdTokenExpectations): Verification => {
  const now = Math.floor(expected.now.getTime() / 1000);
  const skew = expected.skewSeconds ?? idTokenDefaults.skewSeconds;
  const { iss, aud, email, exp, iat, nbf } = claims;
  if (typeof iss !== 'string' || !GOOGLE_ISSUERS.has(iss)) return refused('token issuer is not Google');
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(expected.audience)) return refused('token audience does not match');
  if (email !== expected.email) return refused('token email does not match');
  // Google's ID tokens carry a boolean; some older issuers wrote the string "true".
  if (claims.email_verified !== true && claims.email_verified !== 'true')
    return refused('token email not verified');
  if (typeof exp !== 'number' || exp + skew < now) return refused('token expired');
  if (typeof iat !== 'number' || iat - skew > now) return refused('token issued in the future');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf - skew > now))
    return refused('token not yet valid');
  return verified;
};
