import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { createIsomorphicGitClient } from '../../lib/adapters/git/isomorphic-git-client.ts';
import { commitWithRetry } from '../../lib/app/commit-with-retry.ts';
import { ConflictError, UpstreamError } from '../../lib/domain/errors.ts';
import type { GitClient, GitSignature, GitWorkspace } from '../../lib/ports/git.ts';

const bot: GitSignature = { name: 'Image Bot', email: 'bot@example.com', timestamp: 1_700_004_000 };
const anonymous = { kind: 'anonymous' } as const;
const bytes = (value: string) => new TextEncoder().encode(value);
const text = (value: Uint8Array) => new TextDecoder().decode(value);
const conflict = () =>
  new ConflictError('remote moved', { data: { branch: 'main', reason: 'not-fast-forward' } });

/** A GitClient fake that records what happens and fails pushes as scripted. */
const scriptedGit = (pushes: Array<'ok' | Error>, options: { commit?: string | null } = {}) => {
  const events: string[] = [];
  let checkouts = 0;
  const git: GitClient = {
    remoteHead: async () => null,
    checkout: async () => {
      const n = ++checkouts;
      events.push(`checkout ${n}`);
      const workspace: GitWorkspace = {
        baseCommit: `base-${n}`,
        baseBranch: 'main',
        pushBranch: 'main',
        listFiles: async () => [],
        readFile: async () => new Uint8Array(),
        writeFile: async () => {},
        commit: async () => {
          events.push(`commit ${n}`);
          return options.commit === undefined ? `commit-${n}` : options.commit;
        },
        push: async ({ force } = {}) => {
          events.push(`push ${n}${force === undefined ? '' : ` force=${force}`}`);
          const result = pushes.shift() ?? 'ok';
          if (result instanceof Error) throw result;
        },
        equivalentRemoteCommit: async () => null,
        dispose: async () => {
          events.push(`dispose ${n}`);
        },
      };
      return workspace;
    },
  };
  return { git, events };
};

const checkout = { url: 'https://git.example.com/r.git', credentials: anonymous, branch: 'main' };
const commitAll = async (_ws: GitWorkspace, attempt: number) =>
  ({ kind: 'commit', message: 'bump', author: bot, result: attempt }) as const;

describe('commitWithRetry (scripted git)', () => {
  it('pushes on the first attempt', async () => {
    const { git, events } = scriptedGit(['ok']);
    const outcome = await commitWithRetry({ git }, checkout, commitAll);
    expect(outcome).toEqual({ kind: 'pushed', commit: 'commit-1', attempts: 1, result: 1 });
    expect(events).toEqual(['checkout 1', 'commit 1', 'push 1', 'dispose 1']);
  });

  it('re-checks out and re-applies after a conflict, with jittered exponential backoff', async () => {
    const { git, events } = scriptedGit([conflict(), conflict(), 'ok']);
    const delays: number[] = [];
    const sleep = async (ms: number) => {
      delays.push(ms);
      events.push(`sleep ${ms}`);
    };
    const outcome = await commitWithRetry({ git, sleep, random: () => 0.5 }, checkout, commitAll, {
      baseDelayMs: 100,
    });
    expect(outcome).toEqual({ kind: 'pushed', commit: 'commit-3', attempts: 3, result: 3 });
    expect(delays).toEqual([75, 150]);
    // The stale workspace is freed before waiting, and every attempt starts from a fresh checkout.
    expect(events.slice(0, 6)).toEqual([
      'checkout 1',
      'commit 1',
      'push 1',
      'dispose 1',
      'sleep 75',
      'checkout 2',
    ]);
  });

  it('gives up after maxAttempts and rethrows the ConflictError', async () => {
    const last = conflict();
    const { git, events } = scriptedGit([conflict(), conflict(), last]);
    const sleeps: number[] = [];
    const error = await commitWithRetry(
      { git, sleep: async (ms) => void sleeps.push(ms), random: () => 0 },
      checkout,
      commitAll,
      { maxAttempts: 3, baseDelayMs: 10 },
    ).catch((e: unknown) => e);
    expect(error).toBe(last);
    expect(sleeps).toEqual([5, 10]);
    expect(events.filter((e) => e.startsWith('dispose'))).toHaveLength(3);
  });

  it('defaults to five attempts, even when options spell out undefined', async () => {
    const { git, events } = scriptedGit(Array.from({ length: 9 }, conflict));
    await expect(
      commitWithRetry({ git, sleep: async () => {} }, checkout, commitAll, { maxAttempts: undefined }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(events.filter((e) => e.startsWith('checkout'))).toHaveLength(5);
  });

  it('does not retry other failures, and still disposes', async () => {
    const upstream = new UpstreamError('503');
    const { git, events } = scriptedGit([upstream]);
    await expect(commitWithRetry({ git }, checkout, commitAll)).rejects.toBe(upstream);
    expect(events).toEqual(['checkout 1', 'commit 1', 'push 1', 'dispose 1']);

    const failing = scriptedGit([]);
    const applyError = conflict(); // a conflict from apply (e.g. the state store) is not a lost push race
    await expect(
      commitWithRetry({ git: failing.git }, checkout, async () => {
        throw applyError;
      }),
    ).rejects.toBe(applyError);
    expect(failing.events).toEqual(['checkout 1', 'dispose 1']);
  });

  it('reports nothing when apply changes nothing or the commit would be empty', async () => {
    const quiet = scriptedGit([]);
    expect(
      await commitWithRetry({ git: quiet.git }, checkout, async () => ({ kind: 'nothing', result: 'same' })),
    ).toEqual({
      kind: 'nothing',
      attempts: 1,
      result: 'same',
    });
    expect(quiet.events).toEqual(['checkout 1', 'dispose 1']);

    const empty = scriptedGit([], { commit: null });
    expect(await commitWithRetry({ git: empty.git }, checkout, commitAll)).toEqual({
      kind: 'nothing',
      attempts: 1,
      result: 1,
    });
    expect(empty.events).toEqual(['checkout 1', 'commit 1', 'dispose 1']);
  });

  it('passes force through to push', async () => {
    const { git, events } = scriptedGit(['ok']);
    await commitWithRetry({ git }, checkout, commitAll, { force: true });
    expect(events).toContain('push 1 force=true');
  });
});

describe('commitWithRetry against git http-backend', () => {
  let server: GitServer;
  const git = createIsomorphicGitClient();
  const noWait = async () => {};
  beforeAll(async () => {
    server = await startGitServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Sets `path` to `value` in whatever tree this attempt sees. */
  const setFile = (path: string, value: string, message: string) => async (ws: GitWorkspace) => {
    const before = text(await ws.readFile(path));
    await ws.writeFile(path, bytes(value));
    return { kind: 'commit', message, author: bot, result: before } as const;
  };

  it('re-applies on the new head when another writer lands between checkout and push', async () => {
    const seed = await server.createRepo('concurrent', { 'app.yaml': 'tag: 1\n', 'other.yaml': 'x: 1\n' });
    const bump = setFile('app.yaml', 'tag: 2\n', 'bump app');
    const outcome = await commitWithRetry(
      { git, sleep: noWait },
      { url: server.url('concurrent'), credentials: anonymous, branch: 'main' },
      async (ws, attempt) => {
        if (attempt === 1)
          await server.commitFiles('concurrent', { 'other.yaml': 'x: 2\n' }, { branch: 'main' });
        return bump(ws);
      },
    );

    expect(outcome).toMatchObject({ kind: 'pushed', attempts: 2 });
    const log = await server.gitLog('concurrent', 'main');
    expect(log.map((e) => e.message)).toEqual([
      'bump app\n',
      'fixture: update other.yaml\n',
      'initial commit\n',
    ]);
    expect(log[2]?.commit).toBe(seed);
    expect(log[0]?.commit).toBe(outcome.kind === 'pushed' ? outcome.commit : '');
    expect(await server.readFileAt('concurrent', 'main', 'app.yaml')).toBe('tag: 2\n');
    expect(await server.readFileAt('concurrent', 'main', 'other.yaml')).toBe('x: 2\n');
  });

  it('recovers from a ref update refused mid-push (GitPushError path)', async () => {
    await server.createRepo('held', { 'app.yaml': 'tag: 1\n', 'other.yaml': 'x: 1\n' });
    const gate = server.holdReceivePack();
    gate.arrived.then(async () => {
      await server.commitFiles('held', { 'other.yaml': 'x: 2\n' }, { branch: 'main' });
      gate.release();
    });
    const outcome = await commitWithRetry(
      { git, sleep: noWait },
      { url: server.url('held'), credentials: anonymous, branch: 'main' },
      setFile('app.yaml', 'tag: 2\n', 'bump app'),
    );
    expect(outcome).toMatchObject({ kind: 'pushed', attempts: 2 });
    expect((await server.gitLog('held', 'main')).map((e) => e.message)).toEqual([
      'bump app\n',
      'fixture: update other.yaml\n',
      'initial commit\n',
    ]);
  });

  it('lets two racing writers both land, each exactly once', async () => {
    await server.createRepo('racing', { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
    const target = { url: server.url('racing'), credentials: anonymous, branch: 'main' };
    // Both first attempts check out the same head before either pushes: one of them must lose.
    let arrivals = 0;
    let bothCheckedOut = () => {};
    const barrier = new Promise<void>((resolve) => {
      bothCheckedOut = resolve;
    });
    const writer = (path: string, value: string) => {
      const apply = setFile(path, value, `set ${path}`);
      return async (ws: GitWorkspace, attempt: number) => {
        if (attempt === 1 && ++arrivals === 2) bothCheckedOut();
        if (attempt === 1) await barrier;
        return apply(ws);
      };
    };

    const [a, b] = await Promise.all([
      commitWithRetry({ git, sleep: noWait }, target, writer('a.yaml', 'a: 2\n')),
      commitWithRetry({ git, sleep: noWait }, target, writer('b.yaml', 'b: 2\n')),
    ]);

    expect([a.kind, b.kind]).toEqual(['pushed', 'pushed']);
    expect(a.attempts + b.attempts).toBeGreaterThanOrEqual(3);
    const messages = (await server.gitLog('racing', 'main')).map((e) => e.message).sort();
    expect(messages).toEqual(['initial commit\n', 'set a.yaml\n', 'set b.yaml\n']);
    expect(await server.readFileAt('racing', 'main', 'a.yaml')).toBe('a: 2\n');
    expect(await server.readFileAt('racing', 'main', 'b.yaml')).toBe('b: 2\n');
    // The loser's first pack may have been received before its ref update was refused: dangling, not broken.
    expect(await server.git('racing', ['fsck', '--strict', '--no-dangling'])).toBe('');
  });
});
