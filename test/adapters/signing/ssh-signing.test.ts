import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../../infra/peers/git-cli.ts';
import { type GitServer, startGitServer } from '../../../infra/peers/git-server.ts';
import { scratchDir } from '../../../infra/peers/scratch-dir.ts';
import { generateSshKey, type SshKeyPair } from '../../../infra/peers/ssh-git-server.ts';
import { createIsomorphicGitClient } from '../../../lib/adapters/git/isomorphic-git-client.ts';
import { createSshSigning } from '../../../lib/adapters/signing/ssh-signing.ts';
import { InvalidConfigError } from '../../../lib/domain/errors.ts';

/**
 * SSH-signed commits checked by the real `git verify-commit` (`gpg.format=ssh`,
 * `gpg.ssh.allowedSignersFile`), which runs `ssh-keygen -Y verify` with namespace `git`: the commit
 * pushed is the one signed.
 */

const signing = createSshSigning();
const bot = { name: 'Image Bot', email: 'bot@example.com', timestamp: 1_700_001_000 };

describe('SSH commit signing verified by git verify-commit', () => {
  let server: GitServer;
  let work: { path: string; remove: () => Promise<void> };
  const git = createIsomorphicGitClient();
  beforeAll(async () => {
    [server, work] = await Promise.all([startGitServer(), scratchDir('ia-sshsig-')]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), work?.remove()]);
  });

  /** Commits signed by `identity` to a fresh repo; returns the bare repo's `git` runner and the commit. */
  const signedCommit = async (repo: string, identity: string, password?: string) => {
    await server.createRepo(repo, { 'app.yaml': 'image: app:1.0.0\n' });
    const signer = await signing.ssh({ identity, ...(password !== undefined && { password }) });
    const ws = await git.checkout({
      url: server.url(repo),
      credentials: { kind: 'anonymous' },
      branch: 'main',
    });
    try {
      await ws.writeFile('app.yaml', new TextEncoder().encode('image: app:1.1.0\n'));
      const sha = await ws.commit({ message: 'signed bump', author: bot, signer });
      await ws.push();
      return { sha: String(sha), signer };
    } finally {
      await ws.dispose();
    }
  };

  const allowedSigners = async (name: string, keys: readonly SshKeyPair[]) => {
    const file = join(work.path, name);
    await writeFile(file, keys.map((k) => `bot@example.com namespaces="git" ${k.publicKey}`).join('\n'));
    return file;
  };

  const verify = (repo: string, sha: string, signers: string) =>
    runGit([
      `--git-dir=${server.bareDir(repo)}`,
      '-c',
      'gpg.format=ssh',
      '-c',
      `gpg.ssh.allowedSignersFile=${signers}`,
      'verify-commit',
      sha,
    ]);

  const signatureOf = async (repo: string, sha: string, signers: string) =>
    (
      await runGit([
        `--git-dir=${server.bareDir(repo)}`,
        '-c',
        'gpg.format=ssh',
        '-c',
        `gpg.ssh.allowedSignersFile=${signers}`,
        'log',
        '-1',
        '--format=%G? %GF',
        sha,
      ])
    )
      .toString()
      .trim();

  it.each([
    ['ed25519', 'ed25519', {}],
    ['ECDSA P-256', 'ecdsa', {}],
    ['RSA (rsa-sha2-512)', 'rsa', {}],
    ['RSA in PEM format', 'rsa', { pem: true }],
    ['encrypted ed25519 with its password', 'ed25519', { passphrase: 'pw for signing' }],
  ] as const)('signs with %s: git verify-commit accepts the pushed commit', async (label, type, options) => {
    const name = label.replace(/\W+/g, '-');
    const key = await generateSshKey(work.path, type, { name, ...options });
    const password = 'passphrase' in options ? options.passphrase : undefined;
    const { sha, signer } = await signedCommit(name, key.privateKey, password);
    expect(signer.fingerprint).toBe(key.fingerprint);
    const raw = (await runGit([`--git-dir=${server.bareDir(name)}`, 'cat-file', 'commit', sha])).toString();
    expect(raw).toMatch(
      /\ngpgsig -----BEGIN SSH SIGNATURE-----\n [A-Za-z0-9+/=\n ]+-----END SSH SIGNATURE-----\n/,
    );
    const signers = await allowedSigners(`${name}.allowed`, [key]);
    await expect(verify(name, sha, signers)).resolves.toBeDefined();
    expect(await signatureOf(name, sha, signers)).toBe(`G ${key.fingerprint}`);
  });

  it('is rejected by git verify-commit when the allowed signers list another key', async () => {
    const key = await generateSshKey(work.path, 'ed25519', { name: 'signer' });
    const other = await generateSshKey(work.path, 'ed25519', { name: 'other' });
    const { sha } = await signedCommit('other-signer', key.privateKey);
    const signers = await allowedSigners('other.allowed', [other]);
    await expect(verify('other-signer', sha, signers)).rejects.toThrow(/exited 1/);
    expect((await signatureOf('other-signer', sha, signers)).charAt(0)).not.toBe('G');
  });

  it.each([
    [
      'no password for an encrypted key',
      'enc-nopw',
      'pw',
      undefined,
      'encrypted and the Secret has no "password"',
    ],
    ['a wrong password', 'enc-wrong', 'pw', 'nope', 'the "password" does not decrypt the "identity"'],
  ] as const)('refuses %s without showing the key', async (_, name, passphrase, password, reason) => {
    const key = await generateSshKey(work.path, 'ed25519', { name, passphrase });
    const error = await signing
      .ssh({ identity: key.privateKey, ...(password !== undefined && { password }) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toContain(reason);
    expect(JSON.stringify(error) + (error as Error).message).not.toContain('PRIVATE KEY');
  });

  it('refuses something that is not a private key', async () => {
    await expect(signing.ssh({ identity: 'ssh-ed25519 AAAA not-a-private-key' })).rejects.toThrow(
      /not an OpenSSH or PEM private key/,
    );
  });
});
