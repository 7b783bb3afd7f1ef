import { errors, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions, jwtVerify } from 'jose';
import type { KeysFor } from './jwks-keys.ts';
import { refused, verified } from './parsed-hook.ts';
import type { Verification } from './webhook-request.ts';

/**
 * Verifies the Google-signed OIDC ID token a Pub/Sub push subscription sends as
 * `Authorization: Bearer <JWT>`, the way Google documents it and Flux does since CVE-2026-40109:
 * https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions
 *
 * jose checks the JWS: RS256 only (so `none` or an HMAC "signed" with a public key never pass), a
 * signature by one of the Receiver's keys, `iss` Google, `aud` the configured audience, `exp` and
 * `nbf` with a little clock skew. Here: `email` the subscription's service account with
 * `email_verified`, and `iat` present and not in the future (jose checks `iat` only with a maximum
 * age). The reasons name the failed check, never the token or a claim value.
 */
export const GOOGLE_ISSUERS: readonly string[] = Object.freeze([
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

/** The key set could not give a key: unusable keys, a failed fetch, or no key with the token's `kid`. */
class NoSigningKey extends Error {}

const resolving =
  (keys: JWTVerifyGetKey): JWTVerifyGetKey =>
  async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new NoSigningKey('no signing key', { cause: error });
    }
  };

/** A token without `kid` may match several keys: jose hands them over to try one by one. */
const verifyWithAnyKey = async (token: string, keys: JWTVerifyGetKey, options: JWTVerifyOptions) => {
  try {
    return (await jwtVerify(token, keys, options)).payload;
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const key of error) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
};

const CLAIM_REASONS: Readonly<Record<string, string>> = Object.freeze({
  iss: 'token issuer is not Google',
  aud: 'token audience does not match',
  exp: 'token expired',
  nbf: 'token not yet valid',
  iat: 'token issued in the future',
});

const reasonOf = (error: unknown): string => {
  if (error instanceof NoSigningKey) return 'no signing key for this token';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token is not RS256-signed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature does not verify';
  if (error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JWTExpired) {
    return CLAIM_REASONS[error.claim] ?? 'malformed token';
  }
  return 'malformed token';
};

export const verifyGoogleIdToken = async (
  authorization: string | undefined,
  secret: Readonly<Record<string, string>>,
  keysFor: KeysFor,
  expected: IdTokenExpectations,
): Promise<Verification> => {
  const token = /^bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  if (!token) return refused('missing bearer token');
  if (token.length > idTokenDefaults.maxTokenLength) return refused('malformed token');
  const keys = keysFor(secret);
  if (!keys) return refused('no signing key for this token');
  const skew = expected.skewSeconds ?? idTokenDefaults.skewSeconds;
  let claims: JWTPayload;
  try {
    claims = await verifyWithAnyKey(token, resolving(keys), {
      algorithms: ['RS256'],
      issuer: [...GOOGLE_ISSUERS],
      audience: expected.audience,
      requiredClaims: ['exp', 'iat'],
      clockTolerance: skew,
      currentDate: expected.now,
    });
  } catch (error) {
    return refused(reasonOf(error));
  }
  return checkGoogleClaims(claims, expected, skew);
};

const checkGoogleClaims = (claims: JWTPayload, expected: IdTokenExpectations, skew: number): Verification => {
  if (claims.email !== expected.email) return refused('token email does not match');
  // Google's ID tokens carry a boolean; some older issuers wrote the string "true".
  if (claims.email_verified !== true && claims.email_verified !== 'true')
    return refused('token email not verified');
  const now = Math.floor(expected.now.getTime() / 1000);
  if ((claims.iat ?? Number.POSITIVE_INFINITY) - skew > now) return refused('token issued in the future');
  return verified;
};
