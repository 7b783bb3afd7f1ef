import ssh2, { type ParsedKey } from 'ssh2';
import { InvalidConfigError } from '../../domain/errors.ts';

/**
 * An SSH private key from a Secret's `identity` (OpenSSH or PEM: ed25519, ECDSA, RSA) and optional
 * `password`, parsed once. Refusals are fixed sentences: ssh2's messages are never shown, so
 * nothing of the key or the password can reach a log or an error.
 */
export const parseSshIdentity = (
  identity: string,
  password: string | undefined,
  where: string,
): ParsedKey => {
  const parsed = ssh2.utils.parseKey(identity, password);
  if (parsed instanceof Error) {
    const message = parsed.message;
    const reason = /no passphrase given/i.test(message)
      ? 'the "identity" is encrypted and the Secret has no "password"'
      : /passphrase|decrypt|integrity/i.test(message)
        ? 'the "password" does not decrypt the "identity"'
        : 'the "identity" is not an OpenSSH or PEM private key (ed25519, ECDSA or RSA)';
    throw new InvalidConfigError(`${where}: ${reason}`);
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key?.isPrivateKey() !== true)
    throw new InvalidConfigError(`${where}: the "identity" holds no private key`);
  return key;
};
