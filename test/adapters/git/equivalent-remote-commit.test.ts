import type { HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../../infra/peers/git-server.ts';
import { createIsomorphicGitClient } from '../../../lib/adapters/git/isomorphic-git-client.ts';
import type { GitSignature } from '../../../lib/ports/git.ts';

// Pull-request mode rebuilds the push branch on every run and must recognise a branch that already
// holds the same change on the same base, fetching only what it lacks to tell.

const bot: GitSignature = { name: 'Image Bot', email: 'bot@example.com', timestamp: 1_700_003_000 };
const anonymous = { kind: 'anonymous' } as const;
const bytes = (value: string) => new TextEncoder().encode(value);

/** isomorphic-git's node client, counting response body bytes per request kind. */
const countingHttp = () => {
  const received: { url: string; bytes: number }[] = [];
  const http: HttpClient = {
    request: async (request) => {
      const response = await nodeHttp.request(request);
      const record = { url: request.url, bytes: 0 };
      received.push(record);
      const body = response.body;
      if (!body) return response;
      async function* counted() {
        for await (const chunk of body as AsyncIterable<Uint8Array>) {
          record.bytes += chunk.byteLength;
          yield chunk;
        }
      }
      return { ...response, body: counted() };
    },
  };
  return { http, received };
};

describe('equivalentRemoteCommit', () => {
  let server: GitServer;
  let noise = '';
  for (let i = 0; noise.length < 256 * 1024; i++) noise += ((i * 2654435761) >>> 0).toString(36);
  beforeAll(async () => {
    server = await startGitServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const rebuild = async (repo: string, http: HttpClient, tag: string) => {
    const ws = await createIsomorphicGitClient({ http }).checkout({
      url: server.url(repo),
      credentials: anonymous,
      branch: 'main',
    });
    try {
      await ws.writeFile('app.yaml', bytes(`tag: ${tag}\n`));
      const commit = await ws.commit({
        message: `bump ${tag}`,
        author: { ...bot, timestamp: bot.timestamp + Number(tag) },
      });
      return { commit, equivalent: await ws.equivalentRemoteCommit('auto'), ws };
    } finally {
      await ws.dispose();
    }
  };

  it('finds the same tree on the same parent, and fetches only what the checkout lacks', async () => {
    await server.createRepo('same', { 'app.yaml': 'tag: 1\n', 'noise.txt': noise });
    const first = countingHttp();
    const { commit } = await rebuild('same', first.http, '2');
    expect(await rebuild('same', first.http, '3').then((r) => r.equivalent)).toBeNull(); // no branch yet

    // Push the first rebuild, then rebuild the same change again (a new commit object, new time).
    const ws = await createIsomorphicGitClient().checkout({
      url: server.url('same'),
      credentials: anonymous,
      branch: 'main',
    });
    await ws.writeFile('app.yaml', bytes('tag: 2\n'));
    const pushed = await ws.commit({ message: 'bump 2', author: bot });
    await ws.push({ branch: 'auto', force: true });
    await ws.dispose();
    expect(pushed).not.toBe(commit);

    const again = countingHttp();
    const result = await rebuild('same', again.http, '2');
    expect(result.equivalent).toBe(pushed);
    const fetches = again.received.filter((r) => r.url.endsWith('.git/git-upload-pack'));
    // The clone carries the noise; the fetch of the push branch (depth 2, the checkout's commit
    // announced as common) only its commit and the changed tree and blob.
    expect(again.received).toHaveLength(4);
    expect(fetches).toHaveLength(2);
    expect(fetches[0]?.bytes).toBeGreaterThan(150 * 1024);
    expect(fetches[1]?.bytes).toBeLessThan(4096);

    // A different change on the same base, or the same change on another base, is not equivalent.
    expect((await rebuild('same', countingHttp().http, '4')).equivalent).toBeNull();
    await server.commitFiles('same', { 'README.md': 'moved\n' }, { branch: 'main' });
    // (That fetch carries the whole tree: the branch's parent is not the announced commit. Callers
    // that know the base moved skip the check.)
    expect((await rebuild('same', countingHttp().http, '2')).equivalent).toBeNull();
  });
});
