import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../../infra/peers/git-server.ts';
import { scratchDir } from '../../../infra/peers/scratch-dir.ts';
import { createIsomorphicGitClient } from '../../../lib/adapters/git/isomorphic-git-client.ts';
import type { GitSignature } from '../../../lib/ports/git.ts';

const bot: GitSignature = {
  name: 'Image Bot',
  email: 'bot@example.com',
  timestamp: 1_700_001_000,
  timezoneOffset: -120,
};
const anonymous = { kind: 'anonymous' } as const;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);

describe('createIsomorphicGitClient against git http-backend', () => {
  let server: GitServer;
  const git = createIsomorphicGitClient();
  beforeAll(async () => {
    server = await startGitServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reports a remote branch head without cloning, and null for a missing branch', async () => {
    const seed = await server.createRepo('heads', { 'a.yaml': 'a: 1\n' });
    const before = server.requests.length;
    expect(await git.remoteHead({ url: server.url('heads'), credentials: anonymous, branch: 'main' })).toBe(
      seed,
    );
    expect(
      await git.remoteHead({ url: server.url('heads'), credentials: anonymous, branch: 'nope' }),
    ).toBeNull();
    // One ref advertisement each, no pack transfer.
    expect(server.requests.slice(before).map((r) => r.service)).toEqual([
      'git-upload-pack',
      'git-upload-pack',
    ]);
    expect(server.requests.slice(before).every((r) => r.method === 'GET')).toBe(true);
  });

  it('clones, edits, commits and pushes one file', async () => {
    const seed = await server.createRepo('basic', {
      'apps/app.yaml': 'image: app:1.0.0 # {"$imagepolicy": "flux-system:app"}\n',
      'README.md': '# demo\n',
    });
    const before = server.requests.length;

    const ws = await git.checkout({ url: server.url('basic'), credentials: anonymous, branch: 'main' });
    try {
      expect(ws).toMatchObject({ baseCommit: seed, baseBranch: 'main', pushBranch: 'main' });
      const original = text(await ws.readFile('apps/app.yaml'));
      await ws.writeFile('apps/app.yaml', bytes(original.replace('1.0.0', '1.1.0')));
      expect(text(await ws.readFile('apps/app.yaml'))).toContain('app:1.1.0');
      const sha = await ws.commit({ message: 'Update app to 1.1.0\n\nflux-system/app', author: bot });
      await ws.push();

      const [head] = await server.gitLog('basic', 'main');
      expect(head).toMatchObject({
        commit: sha,
        parents: [seed],
        authorName: 'Image Bot',
        authorEmail: 'bot@example.com',
        authorTime: 1_700_001_000,
        committerName: 'Image Bot',
        message: 'Update app to 1.1.0\n\nflux-system/app\n',
      });
      // isomorphic-git counts offsets like Date#getTimezoneOffset: -120 is UTC+2.
      expect(await server.git('basic', ['show', '-s', '--format=%ai', 'main'])).toContain('+0200');
      expect(await server.readFileAt('basic', 'main', 'apps/app.yaml')).toBe(
        'image: app:1.1.0 # {"$imagepolicy": "flux-system:app"}\n',
      );
      expect(await server.readFileAt('basic', 'main', 'README.md')).toBe('# demo\n');
      expect(await server.git('basic', ['fsck', '--strict'])).toBe('');
      // One advertisement and one pack each way; credentials never needed a second round trip.
      expect(server.requests.slice(before).map((r) => `${r.method} ${r.service} ${r.status}`)).toEqual([
        'GET git-upload-pack 200',
        'POST git-upload-pack 200',
        'GET git-receive-pack 200',
        'POST git-receive-pack 200',
      ]);
    } finally {
      await ws.dispose();
    }
  });

  it('rewrites only the trees on the changed paths and keeps file modes', async () => {
    const seed = await server.createRepo(
      'nested',
      {
        'a/b/c/deep.yaml': 'tag: 1\n',
        'a/b/other.yaml': 'tag: 1\n',
        'x/y.yaml': 'tag: 1\n',
        'bin/run.sh': '#!/bin/sh\necho 1\n',
      },
      { executable: ['bin/run.sh'] },
    );
    const ws = await git.checkout({ url: server.url('nested'), credentials: anonymous, branch: 'main' });
    try {
      await ws.writeFile('a/b/c/deep.yaml', bytes('tag: 2\n'));
      await ws.writeFile('bin/run.sh', bytes('#!/bin/sh\necho 2\n'));
      const sha = String(await ws.commit({ message: 'bump', author: bot }));
      await ws.push();

      expect(
        await server.git('nested', ['diff-tree', '-r', '--no-commit-id', '--format=', seed, sha]),
      ).toMatch(/^:100644 100644 \w+ \w+ M\ta\/b\/c\/deep\.yaml\n:100755 100755 \w+ \w+ M\tbin\/run\.sh\n$/);
      const treeOf = (rev: string) => server.git('nested', ['rev-parse', rev]);
      expect(await treeOf(`${sha}:x`)).toBe(await treeOf(`${seed}:x`));
      expect(await treeOf(`${sha}:a/b/c`)).not.toBe(await treeOf(`${seed}:a/b/c`));
      expect(await server.git('nested', ['ls-tree', sha, 'bin/run.sh'])).toMatch(/^100755 blob/);
      expect(await server.git('nested', ['fsck', '--strict'])).toBe('');
    } finally {
      await ws.dispose();
    }
  });

  it('makes no commit and pushes nothing when every write equals the original', async () => {
    const seed = await server.createRepo('noop', { 'app.yaml': 'tag: 1\n' });
    const ws = await git.checkout({ url: server.url('noop'), credentials: anonymous, branch: 'main' });
    try {
      await ws.writeFile('app.yaml', bytes('tag: 1\n'));
      const before = server.requests.length;
      expect(await ws.commit({ message: 'nothing', author: bot })).toBeNull();
      await ws.push();
      expect(server.requests.length).toBe(before);
      expect((await server.gitLog('noop', 'main')).map((entry) => entry.commit)).toEqual([seed]);
    } finally {
      await ws.dispose();
    }
  });

  it('lists regular files only, sorted, skipping symlinks and submodules', async () => {
    await server.createRepo(
      'kinds',
      {
        'apps/b.yaml': 'b\n',
        'apps/a.yaml': 'a\n',
        'apps/sub/c.yaml': 'c\n',
        'apps-b.yaml': 'x\n',
        'run.sh': 'r\n',
      },
      {
        executable: ['run.sh'],
        symlinks: { 'apps/link.yaml': 'a.yaml', 'escape.yaml': '../../etc/passwd' },
        submodules: { 'vendor/lib': '0123456789abcdef0123456789abcdef01234567' },
      },
    );
    const ws = await git.checkout({ url: server.url('kinds'), credentials: anonymous, branch: 'main' });
    try {
      expect((await ws.listFiles('')).map((f) => f.path)).toEqual([
        'apps-b.yaml',
        'apps/a.yaml',
        'apps/b.yaml',
        'apps/sub/c.yaml',
        'run.sh',
      ]);
      expect((await ws.listFiles('./apps/')).map((f) => f.path)).toEqual([
        'apps/a.yaml',
        'apps/b.yaml',
        'apps/sub/c.yaml',
      ]);
      expect(await ws.listFiles('apps/a.yaml')).toEqual([{ path: 'apps/a.yaml' }]);
      expect(await ws.listFiles('apps/link.yaml')).toEqual([]);
      await expect(ws.readFile('apps/link.yaml')).rejects.toMatchObject({ code: 'NotFound' });
      await expect(ws.writeFile('vendor/lib', bytes('x'))).rejects.toMatchObject({ code: 'NotFound' });
      await expect(ws.writeFile('apps/new.yaml', bytes('x'))).rejects.toMatchObject({ code: 'NotFound' });
      await expect(ws.listFiles('missing')).rejects.toMatchObject({ code: 'NotFound' });
      await expect(ws.listFiles('../outside')).rejects.toMatchObject({ code: 'InvalidConfig' });
      await expect(ws.readFile('.git/config')).rejects.toMatchObject({ code: 'InvalidConfig' });
    } finally {
      await ws.dispose();
    }
  });

  it('keeps clones in a scratch directory when asked, and removes it on dispose', async () => {
    await server.createRepo('on-disk', { 'app.yaml': 'tag: 1\n' });
    const scratch = await scratchDir('ia-clones-');
    try {
      const onDisk = createIsomorphicGitClient({ fs: { dir: scratch.path } });
      const ws = await onDisk.checkout({
        url: server.url('on-disk'),
        credentials: anonymous,
        branch: 'main',
      });
      expect(await readdir(scratch.path)).toHaveLength(1);
      await ws.writeFile('app.yaml', bytes('tag: 2\n'));
      await ws.commit({ message: 'bump', author: bot });
      await ws.push();
      await ws.dispose();
      await ws.dispose(); // safe twice
      expect(await readdir(scratch.path)).toEqual([]);
      await expect(ws.readFile('app.yaml')).rejects.toMatchObject({ code: 'Internal' });
      expect(await server.readFileAt('on-disk', 'main', 'app.yaml')).toBe('tag: 2\n');
    } finally {
      await scratch.remove();
    }
    expect(existsSync(scratch.path)).toBe(false);
  });

  it('handles a 1,000-file repository (timed, no assertion on time)', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) {
      files[`clusters/d${Math.floor(i / 100)}/app-${i}.yaml`] =
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  image: app:1.0.${i}\n${'#'.repeat(1800)}\n`;
    }
    await server.createRepo('large', files);
    await server.git('large', ['gc', '-q']);

    const started = performance.now();
    const ws = await git.checkout({ url: server.url('large'), credentials: anonymous, branch: 'main' });
    const cloned = performance.now();
    try {
      const listed = await ws.listFiles('clusters');
      let bytesRead = 0;
      for (const file of listed) bytesRead += (await ws.readFile(file.path)).byteLength;
      const read = performance.now();
      const path = 'clusters/d5/app-512.yaml';
      await ws.writeFile(path, bytes(text(await ws.readFile(path)).replace('app:1.0.512', 'app:2.0.0')));
      await ws.commit({ message: 'bump app-512', author: bot });
      await ws.push();
      const pushed = performance.now();

      expect(listed).toHaveLength(1000);
      expect(bytesRead).toBeGreaterThan(1_800_000);
      expect(await server.readFileAt('large', 'main', path)).toContain('app:2.0.0');
      console.info(
        `1,000 files: clone ${Math.round(cloned - started)} ms, list+read all ${Math.round(read - cloned)} ms, ` +
          `edit+commit+push ${Math.round(pushed - read)} ms, total ${Math.round(pushed - started)} ms`,
      );
    } finally {
      await ws.dispose();
    }
  });
});
