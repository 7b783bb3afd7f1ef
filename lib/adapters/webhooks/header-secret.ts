import { constantTimeEqual } from './constant-time.ts';
import { refused, verified } from './parsed-hook.ts';
import type { Verification } from './webhook-request.ts';

/**
 * Checks that a header carries exactly the expected secret (Harbor's "Auth Header", ACR custom
 * headers, CloudEvents webhooks' bearer token), in constant time. An empty expected value never
 * matches, so a Secret without a token cannot open a receiver. The reason never repeats a value.
 */
export const verifyHeaderSecret = (
  actual: string | undefined,
  expected: string | undefined,
  header: string,
): Verification => {
  if (actual === undefined || actual === '') return refused(`missing ${header} header`);
  if (!expected) return refused('receiver secret has no token');
  return constantTimeEqual(actual.trim(), expected) ? verified : refused(`${header} header does not match`);
};

/** `Authorization: Bearer <token>` (scheme case-insensitive, as RFC 6750 allows). */
export const verifyBearerToken = (authorization: string | undefined, token: string | undefined) => {
  const match = /^bearer\s+(.+)$/i.exec(authorization?.trim() ?? '');
  if (!authorization) return refused('missing Authorization header');
  if (!match?.[1]) return refused('Authorization header is not a bearer token');
  return verifyHeaderSecret(match[1], token, 'Authorization');
};
