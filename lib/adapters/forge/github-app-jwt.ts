import { Buffer } from 'node:buffer';
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { InvalidConfigError } from '../../domain/errors.ts';

/**
 * The JWT a GitHub App authenticates with (docs: "Generating a JSON Web Token (JWT) for a GitHub
 * App"): RS256, `iss` = app id, `iat` 60 s in the past against clock drift, `exp` under GitHub's
 * 10-minute maximum.
 */

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export const readAppPrivateKey = (pem: string, appId: string): KeyObject => {
  try {
    const key = createPrivateKey({ key: pem.replace(/\\n/g, '\n'), format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return key;
  } catch {
    // Neither the key nor the crypto library's message (which may quote it) is shown.
    throw new InvalidConfigError(`GitHub App ${appId}: githubAppPrivateKey is not a PEM RSA private key`);
  }
};

export const githubAppJwt = (key: KeyObject, appId: string, nowSeconds: number): string => {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iat: nowSeconds - 60, exp: nowSeconds + 540, iss: appId }));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key);
  return `${header}.${payload}.${base64url(signature)}`;
};
