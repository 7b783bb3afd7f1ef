import { writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../infra/peers/free-port.ts';
import { scratchDir } from '../../../infra/peers/scratch-dir.ts';
import {
  generateSshKey,
  type SshGitServer,
  type SshKeyPair,
  type SshKeyType,
  startSshGitServer,
} from '../../../infra/peers/ssh-git-server.ts';
import { createIsomorphicGitClient } from '../../../lib/adapters/git/isomorphic-git-client.ts';
import {
  AuthError,
  ConflictError,
  InvalidConfigError,
  NotFoundError,
  UpstreamError,
} from '../../../lib/domain/errors.ts';
import type { GitSignature, SshCredentials } from '../../../lib/ports/git.ts';

/**
 * Git over SSH against a real OpenSSH server (infra/peers/ssh-git-server.ts): the native shallow
 * fetch and isomorphic-git's push over `git-upload-pack` / `git-receive-pack` exec channels, with
 * host keys verified against known_hosts only.
 */

const bot: GitSignature = { name: 'Image Bot', email: 'bot@example.com', timestamp: 1_700_001_000 };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);
const accepted = (log: string) => (log.match(/Accepted publickey/g) ?? []).length;

describe('Git over SSH against a real sshd', () => {
  let server: SshGitServer;
  let keysDir: { path: string; remove: () => Promise<void> };
  const keys = {} as Record<SshKeyType | 'encrypted' | 'rsaPem' | 'stranger', SshKeyPair>;
  const git = createIsomorphicGitClient({ timeoutMs: 20_000 });
  let knownHosts: string;

  beforeAll(async () => {
    server = await startSshGitServer();
    keysDir = await scratchDir('ia-sshkeys-');
    for (const type of ['ed25519', 'ecdsa', 'rsa'] as const)
      keys[type] = await generateSshKey(keysDir.path, type);
    keys.encrypted = await generateSshKey(keysDir.path, 'ed25519', {
      name: 'enc',
      passphrase: 'open sesame',
    });
    keys.rsaPem = await generateSshKey(keysDir.path, 'rsa', { name: 'rsapem', pem: true });
    keys.stranger = await generateSshKey(keysDir.path, 'ed25519', { name: 'stranger' });
    const { stranger: _, ...authorized } = keys;
    await server.authorize(Object.values(authorized).map((k) => k.publicKey));
    knownHosts = await server.knownHosts();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await keysDir?.remove();
  });

  const creds = (key: SshKeyPair, extra: Partial<SshCredentials> = {}): SshCredentials => ({
    kind: 'ssh',
    identity: key.privateKey,
    knownHosts,
    ...extra,
  });

  const roundTrip = async (repo: string, credentials: SshCredentials) => {
    const seed = await server.repos.createRepo(repo, {
      'apps/app.yaml': 'image: app:1.0.0\n',
      'README.md': '# r\n',
    });
    const ws = await git.checkout({ url: server.url(repo), credentials, branch: 'main' });
    try {
      expect(ws.baseCommit).toBe(seed);
      const original = text(await ws.readFile('apps/app.yaml'));
      await ws.writeFile('apps/app.yaml', bytes(original.replace('1.0.0', '1.1.0')));
      const sha = await ws.commit({ message: `bump over ssh (${repo})`, author: bot });
      await ws.push();
      const [head] = await server.repos.gitLog(repo, 'main');
      expect(head).toMatchObject({ commit: sha, parents: [seed] });
      expect(await server.repos.readFileAt(repo, 'main', 'apps/app.yaml')).toBe('image: app:1.1.0\n');
      expect(await server.repos.readFileAt(repo, 'main', 'README.md')).toBe('# r\n');
      expect(await server.repos.git(repo, ['fsck', '--strict'])).toBe('');
    } finally {
      await ws.dispose();
    }
  };

  it.each([
    ['ed25519 (OpenSSH format)', 'ed25519'],
    ['ECDSA P-256', 'ecdsa'],
    ['RSA (OpenSSH format)', 'rsa'],
    ['RSA (PEM, -m PEM)', 'rsaPem'],
  ] as const)(
    'fetches shallow, commits and pushes with an %s identity over one connection',
    async (_, name) => {
      const before = accepted(server.log());
      await roundTrip(`rt-${name}`, creds(keys[name]));
      // checkout (advertisement + pack) and push (advertisement + pack): one SSH login.
      expect(accepted(server.log()) - before).toBe(1);
    },
  );

  it('decrypts an encrypted identity with the Secret password, and says what is wrong without it', async () => {
    await roundTrip('encrypted', creds(keys.encrypted, { password: 'open sesame' }));
    const url = server.url('encrypted');
    const missing = git.checkout({ url, credentials: creds(keys.encrypted), branch: 'main' });
    await expect(missing).rejects.toThrow(InvalidConfigError);
    await expect(missing).rejects.toThrow(/encrypted and the Secret has no "password"/);
    const wrong = git.checkout({
      url,
      credentials: creds(keys.encrypted, { password: 'nope' }),
      branch: 'main',
    });
    await expect(wrong).rejects.toThrow(/"password" does not decrypt the "identity"/);
  });

  it('accepts a hashed known_hosts (ssh-keygen -H) naming [127.0.0.1]:port', async () => {
    const hashed = await server.knownHosts({ hashed: true });
    expect(hashed).toMatch(/^\|1\|/);
    expect(hashed).not.toContain('127.0.0.1');
    await roundTrip('hashed', creds(keys.ed25519, { knownHosts: hashed }));
  });

  it('asks for the host key type known_hosts lists (RSA only), as OpenSSH does', async () => {
    await roundTrip(
      'rsa-host',
      creds(keys.ed25519, { knownHosts: await server.knownHosts({ types: ['rsa'] }) }),
    );
  });

  it('refuses an unknown host key (no trust on first use), naming the host and the fingerprint presented', async () => {
    await server.repos.createRepo('unknown-host', { 'a.yaml': 'a: 1\n' });
    const other = `[127.0.0.1]:${server.port + 1} ${server.hostKeys.ed25519.publicKey.split(' ').slice(0, 2).join(' ')}\n`;
    const error = await git
      .checkout({
        url: server.url('unknown-host'),
        credentials: creds(keys.ed25519, { knownHosts: other }),
        branch: 'main',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    const message = (error as Error).message;
    expect(message).toContain(`[127.0.0.1]:${server.port}`);
    expect(message).toContain('not in the Secret\'s "known_hosts"');
    // The fingerprint ssh-keygen prints for one of the server's host keys.
    const fingerprints = Object.values(server.hostKeys).map((k) => k.fingerprint);
    expect(fingerprints.some((f) => message.includes(f))).toBe(true);
  });

  it('refuses a changed host key, naming the fingerprint the server presented', async () => {
    await server.repos.createRepo('changed-host', { 'a.yaml': 'a: 1\n' });
    const impostor = await generateSshKey(keysDir.path, 'ed25519', { name: 'impostor-host' });
    const stale = `[127.0.0.1]:${server.port} ${impostor.publicKey.split(' ').slice(0, 2).join(' ')}\n`;
    const error = await git
      .checkout({
        url: server.url('changed-host'),
        credentials: creds(keys.ed25519, { knownHosts: stale }),
        branch: 'main',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('changed host key');
    expect((error as Error).message).toContain(server.hostKeys.ed25519.fingerprint);
    expect((error as Error).message).not.toContain(impostor.fingerprint);
  });

  it('refuses a key the server does not authorize, without key material in the error', async () => {
    await server.repos.createRepo('wrong-key', { 'a.yaml': 'a: 1\n' });
    const error = await git
      .checkout({ url: server.url('wrong-key'), credentials: creds(keys.stranger), branch: 'main' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/refused the key for user .* \(authentication failed\)/);
    const serialized = JSON.stringify({ message: (error as Error).message, data: (error as AuthError).data });
    const body = keys.stranger.privateKey.split('\n')[1] ?? '';
    expect(body.length).toBeGreaterThan(20);
    expect(serialized).not.toContain(body.slice(0, 20));
  });

  it('reports a push the host refuses (read-only deploy key) as an authorization refusal', async () => {
    await server.repos.createRepo('read-only', { 'a.yaml': 'a: 1\n' });
    await writeFile(join(server.repos.bareDir('read-only'), 'read-only'), '');
    const ws = await git.checkout({
      url: server.url('read-only'),
      credentials: creds(keys.ed25519),
      branch: 'main',
    });
    try {
      await ws.writeFile('a.yaml', bytes('a: 2\n'));
      await ws.commit({ message: 'bump', author: bot });
      const error = await ws.push().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as Error).message).toContain(
        'git-receive-pack refused (ERROR: Permission to /read-only.git denied',
      );
    } finally {
      await ws.dispose();
    }
    expect((await server.repos.gitLog('read-only', 'main')).length).toBe(1);
  });

  it('dials again when the host dropped the connection between checkout and push', async () => {
    await server.repos.createRepo('dropped', { 'a.yaml': 'a: 1\n' });
    const before = accepted(server.log());
    const ws = await git.checkout({
      url: server.url('dropped'),
      credentials: creds(keys.ed25519),
      branch: 'main',
    });
    try {
      await server.dropConnections();
      await ws.writeFile('a.yaml', bytes('a: 2\n'));
      const sha = await ws.commit({ message: 'bump', author: bot });
      await ws.push();
      expect((await server.repos.gitLog('dropped', 'main'))[0]?.commit).toBe(sha);
    } finally {
      await ws.dispose();
    }
    expect(accepted(server.log()) - before).toBe(2);
  });

  it('reports a missing repository as not found', async () => {
    const error = await git
      .checkout({ url: server.url('does-not-exist'), credentials: creds(keys.ed25519), branch: 'main' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('repository not found');
  });

  it('reports a refused connection as retryable', async () => {
    const port = await freePort();
    const url = `ssh://git@127.0.0.1:${port}/srv/x.git`;
    const error = await git
      .checkout({
        url,
        credentials: creds(keys.ed25519, {
          knownHosts: `[127.0.0.1]:${port} ${server.hostKeys.ed25519.publicKey}\n`,
        }),
        branch: 'main',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).retryable).toBe(true);
    expect((error as Error).message).toContain('connection refused');
  });

  it('reports a host that accepts TCP but never speaks SSH as timed out, retryable', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const quick = createIsomorphicGitClient({ timeoutMs: 1_500 });
      const started = Date.now();
      const error = await quick
        .checkout({
          url: `ssh://git@127.0.0.1:${port}/srv/x.git`,
          credentials: creds(keys.ed25519, {
            knownHosts: `[127.0.0.1]:${port} ${server.hostKeys.ed25519.publicKey}\n`,
          }),
          branch: 'main',
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as Error).message).toContain('timed out');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      silent.close();
    }
  });

  it('answers remoteHead over SSH, and null for a missing branch', async () => {
    const seed = await server.repos.createRepo('heads', { 'a.yaml': 'a: 1\n' });
    const credentials = creds(keys.ecdsa);
    expect(await git.remoteHead({ url: server.url('heads'), credentials, branch: 'main' })).toBe(seed);
    expect(await git.remoteHead({ url: server.url('heads'), credentials, branch: 'nope' })).toBeNull();
  });

  it('reports a concurrent writer as a conflict, and a fresh checkout re-applies on top', async () => {
    const seed = await server.repos.createRepo('race', {
      'apps/app.yaml': 'image: app:1.0.0\n',
      'b.yaml': 'b: 1\n',
    });
    const credentials = creds(keys.ed25519);
    const ws = await git.checkout({ url: server.url('race'), credentials, branch: 'main' });
    try {
      await ws.writeFile('apps/app.yaml', bytes('image: app:1.1.0\n'));
      await ws.commit({ message: 'bump', author: bot });
      const theirs = await server.repos.commitFiles('race', { 'b.yaml': 'b: 2\n' }, { branch: 'main' });
      await expect(ws.push()).rejects.toThrow(ConflictError);
      expect((await server.repos.gitLog('race', 'main'))[0]?.commit).toBe(theirs);
    } finally {
      await ws.dispose();
    }
    const again = await git.checkout({ url: server.url('race'), credentials, branch: 'main' });
    try {
      expect(again.baseCommit).not.toBe(seed);
      await again.writeFile('apps/app.yaml', bytes('image: app:1.1.0\n'));
      const sha = await again.commit({ message: 'bump', author: bot });
      await again.push();
      const [head] = await server.repos.gitLog('race', 'main');
      expect(head?.commit).toBe(sha);
      expect(await server.repos.readFileAt('race', 'main', 'b.yaml')).toBe('b: 2\n');
      expect(await server.repos.readFileAt('race', 'main', 'apps/app.yaml')).toBe('image: app:1.1.0\n');
    } finally {
      await again.dispose();
    }
  });

  it('pushes a new branch (push branch) and finds an equivalent remote commit over SSH', async () => {
    await server.repos.createRepo('branches', { 'apps/app.yaml': 'image: app:1.0.0\n' });
    const credentials = creds(keys.rsa);
    const ws = await git.checkout({
      url: server.url('branches'),
      credentials,
      branch: 'main',
      pushBranch: 'auto',
    });
    try {
      await ws.writeFile('apps/app.yaml', bytes('image: app:2.0.0\n'));
      const sha = await ws.commit({ message: 'bump', author: bot });
      await ws.push();
      expect((await server.repos.gitLog('branches', 'auto'))[0]?.commit).toBe(sha);
      expect(await ws.equivalentRemoteCommit('auto')).toBe(sha);
    } finally {
      await ws.dispose();
    }
  });
});
