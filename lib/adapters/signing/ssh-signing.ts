import { createHash, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { InvalidConfigError } from '../../domain/errors.ts';
import type { CommitSigner, CommitSigning, SshKeyMaterial } from '../../ports/commit-signer.ts';
import { sshFingerprint } from '../git/known-hosts.ts';
import { parseSshIdentity } from '../git/ssh-identity.ts';

/**
 * SSH commit signatures (`spec.git.commit.signingKey.type: ssh`), in the format `git` writes with
 * `gpg.format=ssh` and `ssh-keygen -Y sign -n git` (OpenSSH PROTOCOL.sshsig): the commit payload is
 * hashed with SHA-512, the blob `"SSHSIG" ‖ namespace ‖ reserved ‖ "sha512" ‖ H(payload)` is signed
 * with the key (ed25519, ECDSA, or RSA as rsa-sha2-512), and the armored signature carries the
 * public key, so `git verify-commit` checks it against `gpg.ssh.allowedSignersFile`.
 */

const MAGIC = Buffer.from('SSHSIG');
const NAMESPACE = 'git';
const HASH = 'sha512';

const string = (value: Buffer | string): Buffer => {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

/** RFC 4251 mpint: big-endian, no leading zeros, a zero byte first when the high bit is set. */
const mpint = (bytes: Buffer): Buffer => {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return string((trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
};

const ECDSA_HASH: Readonly<Record<string, string>> = {
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
};

/** The SSH signature encoding (RFC 8709, RFC 5656 §3.1.2, RFC 8332) of `data` by `key` of `type`. */
const sshSignature = (type: string, key: KeyObject, data: Buffer): Buffer => {
  if (type === 'ssh-ed25519') return Buffer.concat([string(type), string(sign(null, data, key))]);
  if (type === 'ssh-rsa') return Buffer.concat([string('rsa-sha2-512'), string(sign('sha512', data, key))]);
  const hash = ECDSA_HASH[type];
  if (!hash) throw new InvalidConfigError(`SSH keys of type ${type} cannot sign commits`);
  const rs = sign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
  const half = rs.length / 2;
  return Buffer.concat([
    string(type),
    string(Buffer.concat([mpint(rs.subarray(0, half)), mpint(rs.subarray(half))])),
  ]);
};

const armor = (blob: Buffer): string => {
  const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN SSH SIGNATURE-----\n${lines.join('\n')}\n-----END SSH SIGNATURE-----\n`;
};

const sshSigner = async ({ identity, password }: SshKeyMaterial): Promise<CommitSigner> => {
  const parsed = parseSshIdentity(identity, password, 'signing key');
  const type = parsed.type;
  if (type !== 'ssh-ed25519' && type !== 'ssh-rsa' && !ECDSA_HASH[type])
    throw new InvalidConfigError(`the "identity" is a ${type} key; ed25519, ECDSA or RSA keys sign commits`);
  const publicKey = parsed.getPublicSSH();
  const privateKey = createPrivateKey(parsed.getPrivatePEM());
  return {
    fingerprint: sshFingerprint(publicKey),
    sign: async (payload) => {
      const digest = createHash(HASH).update(payload, 'utf8').digest();
      const signed = Buffer.concat([MAGIC, string(NAMESPACE), string(''), string(HASH), string(digest)]);
      const version = Buffer.alloc(4);
      version.writeUInt32BE(1);
      return armor(
        Buffer.concat([
          MAGIC,
          version,
          string(publicKey),
          string(NAMESPACE),
          string(''),
          string(HASH),
          string(sshSignature(type, privateKey, signed)),
        ]),
      );
    },
  };
};

export const createSshSigning = (): Pick<CommitSigning, 'ssh'> => ({ ssh: sshSigner });
