import { createMessage, decryptKey, type PrivateKey, readPrivateKeys, sign } from 'openpgp';
import { InvalidConfigError } from '../../domain/errors.ts';
import type { CommitSigner, CommitSigning, OpenPgpKeyMaterial } from '../../ports/commit-signer.ts';

/**
 * CommitSigning on openpgp.js. Flux (go-git + ProtonMail go-crypto) signs the raw commit payload
 * with a binary detached signature; so do we, which is what `git verify-commit` checks with gpg.
 * Errors are fixed sentences: openpgp's own messages are not shown, so nothing of the key can leak.
 */

const refuse = (reason: string): never => {
  throw new InvalidConfigError(reason);
};

const readSingleKey = async (armoredKey: string): Promise<PrivateKey> => {
  const keys = await readPrivateKeys({ armoredKeys: armoredKey }).catch(() =>
    refuse('"git.asc" is not an ASCII-armored OpenPGP private key'),
  );
  if (keys.length !== 1) refuse(`"git.asc" holds ${keys.length} keys; exactly one is required`);
  return keys[0] as PrivateKey;
};

const unlock = async (key: PrivateKey, passphrase: string | undefined): Promise<PrivateKey> => {
  if (key.isDecrypted()) return key;
  if (passphrase === undefined) refuse('the key is protected and the Secret has no "passphrase"');
  return decryptKey({ privateKey: key, passphrase }).catch(() =>
    refuse('the "passphrase" does not unlock the key'),
  );
};

const openPgpSigner = async ({ armoredKey, passphrase }: OpenPgpKeyMaterial): Promise<CommitSigner> => {
  const key = await unlock(await readSingleKey(armoredKey), passphrase);
  await key.getSigningKey().catch(() => refuse('the key has no usable signing (sub)key'));
  const encoder = new TextEncoder();
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    sign: async (payload) =>
      sign({
        message: await createMessage({ binary: encoder.encode(payload) }),
        signingKeys: key,
        detached: true,
        format: 'armored',
      }),
  };
};

export const createOpenPgpSigning = (): Pick<CommitSigning, 'openPgp'> => ({ openPgp: openPgpSigner });
