import { generateKeyPairSync } from 'node:crypto';

/** An RSA key pair as a GitHub App has it: the private key PEM GitHub hands out (PKCS#1), the public key for the fake. */
export const githubAppKeyPair = (): { privateKeyPem: string; publicKeyPem: string } => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};
