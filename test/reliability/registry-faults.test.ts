import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { type Fault, type FaultProxy, type FaultRule, startFaultProxy } from '../helpers/fault-proxy.ts';
import { fleetConfig } from '../helpers/fleet-config.ts';
import { GAVE_UP, type InProcessWorker, startInProcessWorker } from '../helpers/in-process-worker.ts';
import { waitUntil } from '../helpers/wait-until.ts';

/**
 * Registry faults between the worker and a real registry (a fault-injecting proxy in front of it):
 * 500s, 429 with Retry-After, hangs, connection resets. Each case: the event is retried with
 * backoff, nothing is committed while the registry fails (in particular no tag without its digest),
 * the error is recorded in state, and once the registry recovers the change lands exactly once and
 * the recorded errors are cleared. Lost: nothing. Duplicated: nothing.
 */

interface Case {
  readonly name: string;
  readonly image: 'web' | 'api';
  readonly tag: string;
  readonly fault: Fault;
  /** Which requests fail; the others go through. */
  readonly matches: (request: { method: string; path: string }) => boolean;
}

const anyRequest = () => true;
const tagsList = (r: { path: string }) => r.path.includes('/tags/list');
const manifestHead = (r: { method: string; path: string }) =>
  r.method === 'HEAD' && r.path.includes('/manifests/');

const cases: readonly Case[] = [
  {
    name: '500 on every request',
    image: 'web',
    tag: '1.1.0',
    fault: { kind: 'status', status: 500 },
    matches: anyRequest,
  },
  {
    name: '429 with Retry-After on the tag list',
    image: 'web',
    tag: '1.2.0',
    fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
    matches: tagsList,
  },
  // The tag is chosen but its digest never arrives: the :tag marker must not move without :digest.
  {
    name: 'a hang on the digest HEAD',
    image: 'api',
    tag: '1.1.0',
    fault: { kind: 'hang' },
    matches: manifestHead,
  },
  {
    name: 'connection resets on every request',
    image: 'api',
    tag: '1.2.0',
    fault: { kind: 'reset' },
    matches: anyRequest,
  },
];

describe('registry faults: retried with backoff, nothing partial committed, errors recorded then cleared', () => {
  let registry: RegistryServer;
  let proxy: FaultProxy;
  let git: GitServer;
  let worker: InProcessWorker;
  let scratch: { path: string; remove: () => Promise<void> };
  const files = () => ({
    'apps/web.yaml': `image: ${proxy.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
    'apps/api.yaml': `image:\n  repository: ${proxy.host}/team/api # {"$imagepolicy": "apps:api:name"}\n  tag: 1.0.0 # {"$imagepolicy": "apps:api:tag"}\n  digest: "" # {"$imagepolicy": "apps:api:digest"}\n`,
  });

  beforeAll(async () => {
    scratch = await scratchDir('ia-rel-registry-');
    [registry, git] = await Promise.all([startRegistry(), startGitServer()]);
    proxy = await startFaultProxy(registry.url);
    for (const image of ['web', 'api'])
      await pushImage(registry, { repository: `team/${image}`, tag: '1.0.0' });
    await git.createRepo('fleet', files());
    const config = fleetConfig({
      gitUrl: git.url('fleet'),
      policies: [
        { name: 'web', image: `${proxy.host}/team/web` },
        { name: 'api', image: `${proxy.host}/team/api` },
      ],
    });
    worker = await startInProcessWorker({ config, scratch: scratch.path, registryTimeoutMs: 300 });
    // Settle the starting point: 1.0.0 pinned to its digest.
    await worker.trigger('apps/fleet', [], 'settle');
    await worker.queue.drain();
  });

  afterAll(async () => {
    await worker?.stop();
    await proxy?.stop();
    await Promise.all([registry?.stop(), git?.stop()]);
    await scratch?.remove();
  });

  it.each(cases)(
    '$name',
    async ({ image, tag, fault, matches }) => {
      const canonical = `${proxy.host}/team/${image}`;
      const digest = await pushImage(registry, { repository: `team/${image}`, tag });
      const commitsBefore = (await git.gitLog('fleet', 'main')).length;
      const filesBefore = await Promise.all(
        ['apps/web.yaml', 'apps/api.yaml'].map((f) => git.readFileAt('fleet', 'main', f)),
      );
      const faulted = () => proxy.requests.filter((r) => r.action !== 'forward' && r.at >= started);
      const rule: FaultRule = (request) => (matches(request) ? fault : undefined);
      proxy.setRule(rule);
      const started = performance.now();
      const logsFrom = worker.logs.length;
      await worker.trigger('apps/fleet', [canonical], `delivery-${image}-${tag}`);

      // The queue retries the run with growing delays; wait for three failed runs.
      const retries = await waitUntil(
        'three failed runs',
        () => {
          const failed = worker.logs.slice(logsFrom).filter((l) => l.message === 'run failed; will retry');
          return failed.length >= 3 ? failed : undefined;
        },
        30_000,
      );
      expect(faulted().length).toBeGreaterThanOrEqual(3);
      // Backoff: each retry waits at least half its exponential ceiling (100 ms · 2^(n-1)) after the last failure.
      for (let i = 1; i < retries.length; i++) {
        const gap = (retries[i]?.at ?? 0) - (retries[i - 1]?.at ?? 0);
        expect(gap).toBeGreaterThanOrEqual(100 * 2 ** (i - 1) * 0.5 - 5);
      }
      if (fault.kind === 'status' && fault.status === 429) {
        // Retry-After: 1 is honoured between the client's own attempts.
        const throttled = faulted();
        for (let i = 1; i < Math.min(throttled.length, 3); i++) {
          if ((throttled[i]?.at ?? 0) - (throttled[i - 1]?.at ?? 0) < 500) continue; // a new run, not a client retry
          expect((throttled[i]?.at ?? 0) - (throttled[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(950);
        }
      }
      // While the registry fails: no commit, no byte changed (no tag without its digest), the error recorded.
      expect(await git.gitLog('fleet', 'main')).toHaveLength(commitsBefore);
      expect(
        await Promise.all(['apps/web.yaml', 'apps/api.yaml'].map((f) => git.readFileAt('fleet', 'main', f))),
      ).toEqual(filesBefore);
      expect((await worker.state.read('policy', `apps/${image}`))?.value.lastError).toMatchObject({
        code: 'Upstream',
      });
      expect((await worker.state.read('automation', 'apps/fleet'))?.value.lastError).toMatchObject({
        code: 'Upstream',
      });

      // Recovery: the same queued event lands exactly once and the recorded errors are cleared.
      proxy.setRule(undefined);
      await waitUntil(
        'the retried run to land',
        async () => (await git.gitLog('fleet', 'main')).length > commitsBefore,
        30_000,
      );
      await worker.queue.drain();
      const log = await git.gitLog('fleet', 'main');
      expect(log).toHaveLength(commitsBefore + 1);
      const content = await git.readFileAt('fleet', 'main', `apps/${image}.yaml`);
      if (image === 'web') expect(content).toContain(`${canonical}:${tag}@${digest} #`);
      else {
        expect(content).toContain(`tag: ${tag} #`);
        expect(content).toContain(`digest: "${digest}" #`);
      }
      expect((await worker.state.read('policy', `apps/${image}`))?.value).toMatchObject({
        latestRef: { tag, digest },
      });
      expect((await worker.state.read('policy', `apps/${image}`))?.value.lastError).toBeUndefined();
      expect((await worker.state.read('automation', 'apps/fleet'))?.value.lastError).toBeUndefined();
      expect((await worker.state.read('repository', canonical))?.value.lastError).toBeUndefined();
      expect(worker.queue.idle()).toBe(true);
      expect(worker.logs.slice(logsFrom).filter((l) => GAVE_UP.test(String(l.message)))).toEqual([]);
    },
    60_000,
  );
});
