import { rename } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { sweep } from '../../lib/app/sweep.ts';
import { parseManifests } from '../../lib/domain/flux/parse-manifests.ts';
import type { FluxConfig } from '../../lib/domain/flux/types.ts';
import { type Fault, type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.ts';
import { fleetConfig, fleetManifests } from '../helpers/fleet-config.ts';
import { GAVE_UP, type InProcessWorker, startInProcessWorker } from '../helpers/in-process-worker.ts';
import { waitUntil } from '../helpers/wait-until.ts';

/**
 * Git faults against a real Git server (git http-backend): ten writers racing on one branch, the
 * server going away in the middle of a push, a repository that disappears. Each asserts what was
 * lost (nothing: every change is on the branch) and what was duplicated (nothing: one commit per
 * change, each touching exactly its own file).
 */

const parse = (text: string): FluxConfig => {
  const load = parseManifests([{ path: 'fleet.yaml', text }]);
  if (load.errors.length > 0) throw new Error(load.errors.map((e) => e.format()).join('\n'));
  return load.config;
};

/** Files each commit since `from` changed, oldest first. */
const changedFilesPerCommit = async (git: GitServer, repo: string, from: string): Promise<string[][]> => {
  const out = await git.git(repo, ['log', '--reverse', '--format=@%H', '--name-only', `${from}..main`]);
  return out
    .split('@')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => chunk.trim().split('\n').slice(1).filter(Boolean));
};

describe('git faults', () => {
  let registry: RegistryServer;
  let git: GitServer;
  let scratch: { path: string; remove: () => Promise<void> };
  const workers: InProcessWorker[] = [];

  beforeAll(async () => {
    scratch = await scratchDir('ia-rel-git-');
    [registry, git] = await Promise.all([startRegistry(), startGitServer()]);
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await Promise.all([registry?.stop(), git?.stop()]);
    await scratch?.remove();
  });

  it('ten writers racing on one branch: every update lands once, none lost or duplicated', async () => {
    const writers = 10;
    const files: Record<string, string> = {};
    const manifests: string[] = [];
    for (let i = 0; i < writers; i++) {
      files[`apps/svc-${i}.yaml`] =
        `image: ${registry.host}/team/svc-${i}:1.0.0 # {"$imagepolicy": "ns-${i}:svc"}\n`;
      manifests.push(
        fleetManifests({
          namespace: `ns-${i}`,
          gitUrl: git.url('race'),
          updatePath: `./apps/svc-${i}.yaml`,
          policies: [{ name: 'svc', image: `${registry.host}/team/svc-${i}` }],
        }),
      );
    }
    const base = await git.createRepo('race', files);
    const config = parse(manifests.join('---\n'));
    const digests = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        pushImage(registry, { repository: `team/svc-${i}`, tag: '1.1.0' }),
      ),
    );
    const racers = await Promise.all(
      Array.from({ length: writers }, () =>
        startInProcessWorker({ config, scratch: scratch.path, retryBaseMs: 50 }),
      ),
    );
    workers.push(...racers);
    // Hold the first push until every writer has cloned the same head: the race is certain, not likely.
    const gate = git.holdReceivePack();
    const clonesBefore = git.requests.filter(
      (r) => r.service === 'git-upload-pack' && r.method === 'POST',
    ).length;
    await Promise.all(
      racers.map((worker, i) =>
        worker.trigger(`ns-${i}/fleet`, [`${registry.host}/team/svc-${i}`], `race-${i}`),
      ),
    );
    await waitUntil(
      'ten clones',
      () =>
        git.requests.filter((r) => r.service === 'git-upload-pack' && r.method === 'POST').length -
          clonesBefore >=
        writers,
    );
    await gate.arrived;
    gate.release();
    await Promise.all(racers.map((worker) => worker.queue.drain()));

    const commits = await changedFilesPerCommit(git, 'race', base);
    expect(commits).toHaveLength(writers); // one commit per change: none lost, none doubled
    expect(commits.every((changed) => changed.length === 1)).toBe(true);
    expect(new Set(commits.flat()).size).toBe(writers);
    for (let i = 0; i < writers; i++) {
      expect(await git.readFileAt('race', 'main', `apps/svc-${i}.yaml`)).toBe(
        `image: ${registry.host}/team/svc-${i}:1.1.0@${digests[i]} # {"$imagepolicy": "ns-${i}:svc"}\n`,
      );
    }
    // The race happened: writers lost pushes and re-applied on the new head.
    const pushes = racers.flatMap((w) => w.logs.filter((l) => l.message === 'pushed'));
    const conflicts = racers.flatMap((w) => w.logs.filter((l) => l.message === 'run failed; will retry'));
    expect(pushes.reduce((n, l) => n + Number(l.attempts), 0) + conflicts.length).toBeGreaterThan(writers);
    expect(racers.flatMap((w) => w.logs.filter((l) => GAVE_UP.test(String(l.message))))).toEqual([]);
    expect((await git.git('race', ['rev-list', '--merges', '--count', 'main'])).trim()).toBe('0');
    // Dangling objects are the losers' packs (received, ref update refused): not corruption.
    expect(await git.git('race', ['fsck', '--strict', '--no-dangling'])).toBe('');
  }, 120_000);

  describe('the server goes away in the middle of a push', () => {
    let proxy: FaultProxy;
    let worker: InProcessWorker;
    let config: FluxConfig;

    beforeAll(async () => {
      proxy = await startFaultProxy(git.baseUrl);
      await git.createRepo('flaky', {
        'apps/web.yaml': `image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
      });
      config = fleetConfig({
        gitUrl: `${proxy.url}/flaky.git`,
        policies: [{ name: 'web', image: `${registry.host}/team/web` }],
      });
      worker = await startInProcessWorker({ config, scratch: scratch.path, retryBaseMs: 100 });
      workers.push(worker);
    });
    afterAll(async () => {
      await proxy?.stop();
    });

    const receivePack = (path: string) => path.endsWith('/git-receive-pack');

    it.each([
      {
        name: 'the connection resets before the server sees the push',
        fault: { kind: 'reset' } as Fault,
        tag: '1.1.0',
      },
      {
        name: 'the server applies the push and the answer is lost',
        fault: { kind: 'reset-after-forward' } as Fault,
        tag: '1.2.0',
      },
      {
        name: 'the server applies the push, then is unreachable for 1.5 s, then comes back',
        fault: { kind: 'reset-after-forward' } as Fault,
        tag: '1.3.0',
        down: true,
      },
    ])(
      '$name: the update lands exactly once',
      async ({ fault, tag, down }) => {
        const digest = await pushImage(registry, { repository: 'team/web', tag });
        const before = (await git.gitLog('flaky', 'main'))[0]?.commit as string;
        let faulted = false;
        proxy.setRule(({ method, path }) => {
          if (faulted || method !== 'POST' || !receivePack(path)) return undefined;
          faulted = true;
          return fault;
        });
        const logsFrom = worker.logs.length;
        await worker.trigger('apps/fleet', [`${registry.host}/team/web`], `flaky-${tag}`);
        if (down) {
          await waitUntil(
            'the push to reach the server',
            async () => (await git.gitLog('flaky', 'main'))[0]?.commit !== before,
          );
          await proxy.down();
          await waitUntil('a retry to be refused', () =>
            worker.logs
              .slice(logsFrom)
              .some((l) => l.message === 'run failed; will retry' && /ECONNREFUSED/.test(JSON.stringify(l))),
          );
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          await proxy.up();
        }
        await waitUntil('the failed push to be retried', () =>
          worker.logs.slice(logsFrom).some((l) => l.message === 'run failed; will retry'),
        );
        await worker.queue.drain();
        proxy.setRule(undefined);

        expect(await changedFilesPerCommit(git, 'flaky', before)).toEqual([['apps/web.yaml']]);
        expect(await git.readFileAt('flaky', 'main', 'apps/web.yaml')).toBe(
          `image: ${registry.host}/team/web:${tag}@${digest} # {"$imagepolicy": "apps:web"}\n`,
        );
        expect(worker.logs.slice(logsFrom).filter((l) => GAVE_UP.test(String(l.message)))).toEqual([]);
        expect((await worker.state.read('automation', 'apps/fleet'))?.value.lastError).toBeUndefined();
        expect(worker.queue.idle()).toBe(true);
      },
      60_000,
    );
  });

  it('a repository that disappears: NotFound recorded, no crash, the update lands once it is back', async () => {
    await git.createRepo('vanishing', {
      'apps/web.yaml': `image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
    });
    // A short automation interval, so the schedule comes back for it quickly once the repository returns.
    const config = parse(
      fleetManifests({
        gitUrl: git.url('vanishing'),
        policies: [{ name: 'web', image: `${registry.host}/team/web` }],
      }).replace('interval: 30m', 'interval: 1s'),
    );
    const worker = await startInProcessWorker({ config, scratch: scratch.path });
    workers.push(worker);
    const digest = await pushImage(registry, { repository: 'team/web', tag: '1.4.0' });
    const before = (await git.gitLog('vanishing', 'main'))[0]?.commit as string;
    const bare = git.bareDir('vanishing');
    await rename(bare, `${bare}.gone`);
    try {
      await worker.trigger('apps/fleet', [`${registry.host}/team/web`], 'vanishing-1');
      await worker.queue.drain();
      expect((await worker.state.read('automation', 'apps/fleet'))?.value.lastError).toMatchObject({
        code: 'NotFound',
      });
      // Not retried in a loop: a missing repository is not a transient failure.
      expect(
        worker.logs.filter((l) => l.message === 'run failed for good; messages acknowledged'),
      ).toHaveLength(1);
      expect(worker.logs.filter((l) => l.message === 'run failed; will retry')).toEqual([]);
    } finally {
      await rename(`${bare}.gone`, bare);
    }
    // Back: the schedule finds the automation due and the update lands, once.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const swept = await sweep({
      config,
      state: worker.state,
      queue: worker.queue,
      clock: worker.deps.clock,
      logger: worker.deps.logger,
    });
    expect(swept.map((m) => m.request.automation)).toEqual(['apps/fleet']);
    await worker.queue.drain();
    expect(await changedFilesPerCommit(git, 'vanishing', before)).toEqual([['apps/web.yaml']]);
    expect(await git.readFileAt('vanishing', 'main', 'apps/web.yaml')).toContain(`web:1.4.0@${digest} #`);
    expect((await worker.state.read('automation', 'apps/fleet'))?.value.lastError).toBeUndefined();
  }, 60_000);
});
