import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../../infra/peers/git-server.ts';
import { createIsomorphicGitClient } from '../../../lib/adapters/git/isomorphic-git-client.ts';
import type { GitSignature } from '../../../lib/ports/git.ts';

// Flux semantics §5.5: a missing push branch starts from the checkout branch, an existing one is
// built upon, and a push to a branch other than the checkout branch is forced.

const bot: GitSignature = { name: 'Image Bot', email: 'bot@example.com', timestamp: 1_700_002_000 };
const anonymous = { kind: 'anonymous' } as const;
const bytes = (value: string) => new TextEncoder().encode(value);

describe('push branch semantics', () => {
  let server: GitServer;
  const git = createIsomorphicGitClient();
  beforeAll(async () => {
    server = await startGitServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('creates an absent push branch from the checkout branch, leaving the checkout branch alone', async () => {
    // 256 KiB that do not compress: if the pack re-sent unchanged blobs, the upload would show it.
    let noise = '';
    for (let i = 0; noise.length < 256 * 1024; i++) noise += ((i * 2654435761) >>> 0).toString(36);
    const seed = await server.createRepo('absent', { 'app.yaml': 'tag: 1\n', 'noise.txt': noise });
    const ws = await git.checkout({
      url: server.url('absent'),
      credentials: anonymous,
      branch: 'main',
      pushBranch: 'auto',
    });
    try {
      expect(ws).toMatchObject({ baseBranch: 'main', pushBranch: 'auto', baseCommit: seed });
      await ws.writeFile('app.yaml', bytes('tag: 2\n'));
      const sha = await ws.commit({ message: 'bump', author: bot });
      const before = server.requests.length;
      await ws.push();

      expect((await server.gitLog('absent', 'auto')).map((e) => e.commit)).toEqual([sha, seed]);
      expect((await server.gitLog('absent', 'main')).map((e) => e.commit)).toEqual([seed]);
      expect(await server.readFileAt('absent', 'auto', 'app.yaml')).toBe('tag: 2\n');
      expect(await server.git('absent', ['fsck', '--strict'])).toBe('');
      // A thin pack: the blob that did not change is not uploaded again (origin/HEAD is recorded at checkout).
      const upload = server.requests.slice(before).find((r) => r.method === 'POST');
      expect(upload).toMatchObject({ service: 'git-receive-pack', status: 200 });
      expect(upload?.bytes).toBeLessThan(4096);
    } finally {
      await ws.dispose();
    }
  });

  it('builds on an existing push branch', async () => {
    const seed = await server.createRepo('present', { 'app.yaml': 'tag: 1\n', 'other.yaml': 'x: 1\n' });
    const autoHead = await server.commitFiles(
      'present',
      { 'other.yaml': 'x: auto\n' },
      { branch: 'auto', from: 'main' },
    );
    const ws = await git.checkout({
      url: server.url('present'),
      credentials: anonymous,
      branch: 'main',
      pushBranch: 'auto',
    });
    try {
      expect(ws).toMatchObject({ baseBranch: 'auto', pushBranch: 'auto', baseCommit: autoHead });
      await ws.writeFile('app.yaml', bytes('tag: 2\n'));
      const sha = await ws.commit({ message: 'bump', author: bot });
      await ws.push();

      expect((await server.gitLog('present', 'auto')).map((e) => e.commit)).toEqual([sha, autoHead, seed]);
      expect(await server.readFileAt('present', 'auto', 'other.yaml')).toBe('x: auto\n');
      expect(await server.readFileAt('present', 'auto', 'app.yaml')).toBe('tag: 2\n');
    } finally {
      await ws.dispose();
    }
  });

  it('force-pushes when switching branches, unless told not to', async () => {
    await server.createRepo('switch', { 'app.yaml': 'tag: 1\n' });
    await server.commitFiles('switch', { 'note.txt': 'a\n' }, { branch: 'auto', from: 'main' });
    const checkout = {
      url: server.url('switch'),
      credentials: anonymous,
      branch: 'main',
      pushBranch: 'auto',
    };

    const careful = await git.checkout(checkout);
    const forced = await git.checkout(checkout);
    try {
      const concurrent = await server.commitFiles('switch', { 'note.txt': 'b\n' }, { branch: 'auto' });
      for (const ws of [careful, forced]) {
        await ws.writeFile('app.yaml', bytes('tag: 2\n'));
        await ws.commit({ message: 'bump', author: bot });
      }
      await expect(careful.push({ force: false })).rejects.toMatchObject({
        code: 'Conflict',
        retryable: true,
      });
      await forced.push();

      // Flux's documented trade-off (§5.6): a forced push replaces commits made after the clone.
      const history = (await server.gitLog('switch', 'auto')).map((e) => e.commit);
      expect(history).not.toContain(concurrent);
      expect(await server.readFileAt('switch', 'auto', 'note.txt')).toBe('a\n');
    } finally {
      await careful.dispose();
      await forced.dispose();
    }
  });
});
