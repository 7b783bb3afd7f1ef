import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../infra/peers/free-port.ts';
import { type GitServer, startGitServer } from '../../../infra/peers/git-server.ts';
import { createIsomorphicGitClient } from '../../../lib/adapters/git/isomorphic-git-client.ts';
import type { GitSignature } from '../../../lib/ports/git.ts';

const bot: GitSignature = { name: 'Image Bot', email: 'bot@example.com', timestamp: 1_700_003_000 };
const anonymous = { kind: 'anonymous' } as const;
const bytes = (value: string) => new TextEncoder().encode(value);

describe('isomorphic-git adapter: auth and missing things', () => {
  let server: GitServer;
  let bearerServer: GitServer;
  const git = createIsomorphicGitClient();
  const good = { kind: 'basic', username: 'gituser', password: 'gitpass' } as const;
  beforeAll(async () => {
    server = await startGitServer({ auth: { username: 'gituser', password: 'gitpass' } });
    bearerServer = await startGitServer({ auth: { token: 'tok-123' } });
    await server.createRepo('private', { 'app.yaml': 'tag: 1\n' });
    await bearerServer.createRepo('private', { 'app.yaml': 'tag: 1\n' });
  });
  afterAll(async () => {
    await server?.stop();
    await bearerServer?.stop();
  });

  it('clones and pushes with basic credentials, sent up front', async () => {
    const before = server.requests.length;
    const ws = await git.checkout({ url: server.url('private'), credentials: good, branch: 'main' });
    try {
      await ws.writeFile('app.yaml', bytes('tag: 2\n'));
      await ws.commit({ message: 'bump', author: bot });
      await ws.push();
    } finally {
      await ws.dispose();
    }
    expect(await server.readFileAt('private', 'main', 'app.yaml')).toBe('tag: 2\n');
    expect(server.requests.slice(before).map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('sends a bearer token as an Authorization header', async () => {
    const ws = await git.checkout({
      url: bearerServer.url('private'),
      credentials: { kind: 'bearer', token: 'tok-123' },
      branch: 'main',
    });
    await ws.dispose();
    await expect(
      git.checkout({
        url: bearerServer.url('private'),
        credentials: { kind: 'bearer', token: 'wrong' },
        branch: 'main',
      }),
    ).rejects.toMatchObject({ code: 'Auth' });
  });

  it.each([
    ['wrong credentials', { kind: 'basic', username: 'gituser', password: 'nope' } as const],
    ['no credentials', anonymous],
  ])('refuses %s with AuthError, after exactly one request (no retry loop)', async (_name, credentials) => {
    const before = server.requests.length;
    const error = await git
      .checkout({ url: server.url('private'), credentials, branch: 'main' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'Auth',
      retryable: false,
      data: { url: server.url('private'), branch: 'main' },
    });
    expect(JSON.stringify(error)).not.toContain('nope');
    expect(server.requests.slice(before).map((r) => r.status)).toEqual([401]);
  });

  it('reports a missing repository and a missing branch as NotFoundError', async () => {
    await expect(
      git.checkout({ url: server.url('absent'), credentials: good, branch: 'main' }),
    ).rejects.toMatchObject({
      code: 'NotFound',
      data: { url: server.url('absent'), branch: 'main', status: 404 },
    });
    const missingBranch = await git
      .checkout({ url: server.url('private'), credentials: good, branch: 'nope' })
      .catch((e: unknown) => e);
    expect(missingBranch).toMatchObject({ code: 'NotFound', data: { branch: 'nope' } });
    expect((missingBranch as Error).message).toContain(`${server.url('private')} (branch nope)`);
  });

  it('never puts credentials from the URL into errors', async () => {
    const url = server.url('absent').replace('http://', 'http://gituser:gitpass@');
    const error = await git
      .checkout({ url, credentials: anonymous, branch: 'main' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NotFound' });
    expect(`${(error as Error).message} ${JSON.stringify(error)}`).not.toContain('gitpass');
  });
});

describe('isomorphic-git adapter: push conflicts', () => {
  let server: GitServer;
  const git = createIsomorphicGitClient();
  beforeAll(async () => {
    server = await startGitServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('turns a push after the remote moved (PushRejectedError) into ConflictError', async () => {
    await server.createRepo('moved', { 'app.yaml': 'tag: 1\n' });
    const ws = await git.checkout({ url: server.url('moved'), credentials: anonymous, branch: 'main' });
    try {
      const other = await server.commitFiles('moved', { 'other.yaml': 'x\n' }, { branch: 'main' });
      await ws.writeFile('app.yaml', bytes('tag: 2\n'));
      await ws.commit({ message: 'bump', author: bot });
      await expect(ws.push()).rejects.toMatchObject({
        name: 'ConflictError',
        retryable: true,
        data: { branch: 'main', reason: 'not-fast-forward' },
      });
      expect((await server.gitLog('moved', 'main'))[0]?.commit).toBe(other);
    } finally {
      await ws.dispose();
    }
  });

  it('turns a ref update the server refused mid-push (GitPushError) into ConflictError', async () => {
    await server.createRepo('race', { 'app.yaml': 'tag: 1\n' });
    const ws = await git.checkout({ url: server.url('race'), credentials: anonymous, branch: 'main' });
    try {
      await ws.writeFile('app.yaml', bytes('tag: 2\n'));
      await ws.commit({ message: 'bump', author: bot });
      // Our push has discovered the refs (a fast-forward then) and is held before receive-pack runs.
      const gate = server.holdReceivePack();
      const pushing = ws.push().catch((e: unknown) => e);
      await gate.arrived;
      const other = await server.commitFiles('race', { 'other.yaml': 'x\n' }, { branch: 'main' });
      gate.release();

      expect(await pushing).toMatchObject({
        code: 'Conflict',
        data: { branch: 'main', reason: expect.stringContaining('failed to update ref') },
      });
      expect((await server.gitLog('race', 'main'))[0]?.commit).toBe(other);
    } finally {
      await ws.dispose();
    }
  });
});

describe('isomorphic-git adapter: unreachable or failing servers', () => {
  const emptyBody = async function* () {};

  it('treats 5xx as UpstreamError', async () => {
    const failing: HttpClient = {
      request: async ({ url }) => ({
        url,
        statusCode: 503,
        statusMessage: 'Service Unavailable',
        headers: {},
        body: emptyBody(),
      }),
    };
    const git = createIsomorphicGitClient({ http: failing });
    await expect(
      git.checkout({ url: 'https://git.example.com/r.git', credentials: anonymous, branch: 'main' }),
    ).rejects.toMatchObject({ code: 'Upstream', retryable: true, data: { status: 503 } });
  });

  it('treats a refused connection as UpstreamError', async () => {
    const url = `http://127.0.0.1:${await freePort()}/r.git`;
    await expect(
      createIsomorphicGitClient().checkout({ url, credentials: anonymous, branch: 'main' }),
    ).rejects.toMatchObject({ code: 'Upstream', data: { reason: 'ECONNREFUSED' } });
  });

  it('gives up after timeoutMs', async () => {
    // A server that never answers, except to the abort signal the adapter passes down.
    const hanging: HttpClient = {
      request: (request) =>
        new Promise((_resolve, reject) => {
          request.signal?.addEventListener('abort', () => reject(request.signal?.reason));
        }),
    };
    const git = createIsomorphicGitClient({ http: hanging, timeoutMs: 100 });
    await expect(
      git.checkout({ url: 'https://git.example.com/r.git', credentials: anonymous, branch: 'main' }),
    ).rejects.toMatchObject({ code: 'Upstream', data: { reason: 'timeout' } });
  });

  it('gives up after timeoutMs on a real socket that never answers', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const git = createIsomorphicGitClient({ timeoutMs: 150 });
      await expect(
        git.checkout({ url: `http://127.0.0.1:${port}/r.git`, credentials: anonymous, branch: 'main' }),
      ).rejects.toMatchObject({ code: 'Upstream', data: { reason: 'timeout' } });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('stops when the caller aborts', async () => {
    const git = createIsomorphicGitClient({ timeoutMs: 10_000 });
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const controller = new AbortController();
      const checkout = git.checkout({
        url: `http://127.0.0.1:${port}/r.git`,
        credentials: anonymous,
        branch: 'main',
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 50);
      await expect(checkout).rejects.toMatchObject({ code: 'Upstream', data: { reason: 'aborted' } });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('passes real requests through a wrapped client', async () => {
    const server = await startGitServer();
    try {
      await server.createRepo('wrapped', { 'app.yaml': 'tag: 1\n' });
      const seen: string[] = [];
      const counting: HttpClient = {
        request: (request) => {
          seen.push(`${request.method ?? 'GET'} ${request.headers?.['User-Agent']}`);
          return nodeHttp.request(request);
        },
      };
      const ws = await createIsomorphicGitClient({ http: counting, userAgent: 'git/test-agent' }).checkout({
        url: server.url('wrapped'),
        credentials: anonymous,
        branch: 'main',
      });
      await ws.dispose();
      expect(seen).toEqual(['GET git/test-agent', 'POST git/test-agent']);
    } finally {
      await server.stop();
    }
  });
});
