import { armor, enums, readPrivateKey } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenPgpSigning } from '../../../lib/adapters/signing/openpgp-signing.ts';
import { InvalidConfigError } from '../../../lib/domain/errors.ts';
import { type GpgKey, generateGpgKey } from '../../helpers/gpg.ts';

describe('OpenPGP commit signing with keys made by real gpg', () => {
  let protectedKey: GpgKey;
  let plainKey: GpgKey;
  let twoKeys: string;
  const signing = createOpenPgpSigning();
  beforeAll(async () => {
    [protectedKey, plainKey] = await Promise.all([
      generateGpgKey({ passphrase: 'correct horse' }),
      generateGpgKey({ userId: 'Other Bot <other@example.com>' }),
    ]);
    // One armored block holding two keys (what `gpg --export-secret-keys` of a keyring gives).
    const [a, b] = await Promise.all(
      [plainKey, protectedKey].map((k) => readPrivateKey({ armoredKey: k.armoredSecretKey })),
    );
    const bytes = [a, b].map((k) => k?.write() ?? new Uint8Array());
    twoKeys = armor(enums.armor.privateKey, new Uint8Array([...(bytes[0] ?? []), ...(bytes[1] ?? [])]));
  });
  afterAll(async () => {
    await Promise.all([protectedKey?.remove(), plainKey?.remove()]);
  });

  it('unlocks a protected key with its passphrase and reports its fingerprint', async () => {
    const signer = await signing.openPgp({
      armoredKey: protectedKey.armoredSecretKey,
      passphrase: 'correct horse',
    });
    expect(signer.fingerprint).toBe(protectedKey.fingerprint);
    expect(await signer.sign('tree 0\n\nmessage\n')).toMatch(
      /^-----BEGIN PGP SIGNATURE-----\n[\s\S]+-----END PGP SIGNATURE-----\n$/,
    );
    expect((await signing.openPgp({ armoredKey: plainKey.armoredSecretKey })).fingerprint).toBe(
      plainKey.fingerprint,
    );
  });

  const refusal = async (key: { armoredKey: string; passphrase?: string }) => {
    const error = await signing.openPgp(key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidConfigError);
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toContain('PRIVATE KEY BLOCK');
    expect(text).not.toContain(key.passphrase ?? '\u0000');
    return (error as Error).message;
  };

  it.each([
    [
      'a wrong passphrase',
      () => ({ armoredKey: protectedKey.armoredSecretKey, passphrase: 'wrong' }),
      'the "passphrase" does not unlock the key',
    ],
    [
      'no passphrase for a protected key',
      () => ({ armoredKey: protectedKey.armoredSecretKey }),
      'the key is protected and the Secret has no "passphrase"',
    ],
    ['two keys', () => ({ armoredKey: twoKeys }), '"git.asc" holds 2 keys; exactly one is required'],
    ['not a key', () => ({ armoredKey: 'hello' }), '"git.asc" is not an ASCII-armored OpenPGP private key'],
  ])('refuses %s with a fixed sentence', async (_name, key, message) => {
    expect(await refusal(key())).toBe(message);
  });
});
