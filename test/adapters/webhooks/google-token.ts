import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/** A test RSA key pair standing in for Google's OIDC signing keys, and JWTs signed with it. */
export const googleKeys = (kid = 'test-key-1') => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicKey, jwks: JSON.stringify({ keys: [jwk] }) };
};

export const PUBSUB_EMAIL = 'pubsub-push@acme-prod.iam.gserviceaccount.com';
export const PUBSUB_AUDIENCE = 'https://hooks.example.com/gcr';

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims of a valid push-subscription token at `now`, overridable one by one. */
export const pushClaims = (now: Date, overrides: Record<string, unknown> = {}) => {
  const seconds = Math.floor(now.getTime() / 1000);
  return {
    iss: 'https://accounts.google.com',
    aud: PUBSUB_AUDIENCE,
    azp: '1234567890',
    email: PUBSUB_EMAIL,
    email_verified: true,
    sub: '1234567890',
    iat: seconds - 5,
    exp: seconds + 3595,
    ...overrides,
  };
};

export const signJwt = (
  claims: Record<string, unknown>,
  key: KeyObject,
  header: Record<string, unknown> = {},
): string => {
  const input = `${segment({ alg: 'RS256', typ: 'JWT', ...header })}.${segment(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
};
