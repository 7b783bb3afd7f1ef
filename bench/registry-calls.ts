import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServe } from '../infra/peers/serve-process.ts';
import { pushImage } from '../infra/peers/skopeo.ts';
import { registryRequestKind, startFaultProxy } from '../test/helpers/fault-proxy.ts';
import { createFixtureRepo, fixtureFiles, fixturePath } from './support/fixture-repo.ts';
import { BENCH_NAMESPACE, benchManifests, startBenchPeers } from './support/peers.ts';
import { type BenchResult, table } from './support/report.ts';

/**
 * Benchmark 6: registry requests per event, counted by a proxy in front of the real registry (serve
 * reaches the registry only through it; skopeo pushes directly, so pushes are not counted). Goal:
 * one tags listing when needed, one HEAD per changed policy, zero manifest GETs.
 */

interface Scenario {
  readonly name: string;
  readonly push: { repository: string; tag: string };
  /** Expected counts by kind; kinds not named must be 0. */
  readonly expected: Readonly<Record<string, number>>;
}

export const registryCallsBench = async (): Promise<BenchResult> => {
  const peers = await startBenchPeers({ notify: true });
  const proxy = await startFaultProxy(peers.registry.url);
  const rows: string[][] = [];
  let allMet = true;
  try {
    const { git, registry, work, servePort } = peers;
    const viaProxy = (repository: string) => `${proxy.host}/${repository}`;
    await createFixtureRepo(
      git,
      'fleet',
      fixtureFiles(100, [
        { path: fixturePath(1), image: `${viaProxy('bench/app')}:1.0.0`, policy: `${BENCH_NAMESPACE}:app` },
        {
          path: fixturePath(2),
          image: `${viaProxy('bench/app')}:1.0.0`,
          policy: `${BENCH_NAMESPACE}:app-patch`,
        },
        { path: fixturePath(3), image: `${viaProxy('bench/web')}:1.0.0`, policy: `${BENCH_NAMESPACE}:web` },
      ]),
    );
    const configDir = join(work, 'config');
    await mkdir(configDir);
    await writeFile(
      join(configDir, 'fleet.yaml'),
      benchManifests(git.url('fleet'), [
        { name: 'app', image: viaProxy('bench/app'), policy: '>=1.0.0' },
        // A second policy on the same image: one listing serves both.
        { name: 'app-patch', image: viaProxy('bench/app'), policy: '~1.0.0' },
        { name: 'web', image: viaProxy('bench/web'), policy: '>=1.0.0' },
      ]),
    );
    const serve = await startServe({ config: configDir, state: join(work, 'state'), port: servePort });
    try {
      // First runs: every repository is new to serve (full scans, first digests); settle before counting.
      for (const repository of ['bench/app', 'bench/web']) {
        await pushImage(registry, { repository, tag: '1.0.0' });
        await serve.waitForLog((l) => l.message === 'event queued' && l.repository === repository);
        await serve.waitIdle();
      }
      const scenarios: Scenario[] = [
        {
          name: 'push web:1.0.2 (one policy changes)',
          push: { repository: 'bench/web', tag: '1.0.2' },
          expected: { 'tags list': 1, 'manifest HEAD': 1 },
        },
        {
          name: 'push app:1.0.1 (two policies on one image change)',
          push: { repository: 'bench/app', tag: '1.0.1' },
          expected: { 'tags list': 1, 'manifest HEAD': 2 },
        },
        {
          name: 'push app:2.0.0-rc.1 (no policy selects it)',
          push: { repository: 'bench/app', tag: '2.0.0-rc.1' },
          expected: { 'tags list': 1 },
        },
      ];
      for (const scenario of scenarios) {
        const from = proxy.requests.length;
        await pushImage(registry, scenario.push);
        await serve.waitForLog((l) => l.message === 'event queued' && l.tag === scenario.push.tag);
        await serve.waitIdle();
        const counts: Record<string, number> = {};
        for (const request of proxy.requests.slice(from)) {
          const kind = registryRequestKind(request);
          counts[kind] = (counts[kind] ?? 0) + 1;
        }
        const kinds = [...new Set([...Object.keys(counts), ...Object.keys(scenario.expected)])];
        const met = kinds.every((k) => (counts[k] ?? 0) === (scenario.expected[k] ?? 0));
        allMet &&= met;
        rows.push([
          scenario.name,
          String(counts['tags list'] ?? 0),
          String(counts['manifest HEAD'] ?? 0),
          String(counts['manifest GET'] ?? 0),
          String(
            Object.entries(counts)
              .filter(([k]) => !['tags list', 'manifest HEAD', 'manifest GET'].includes(k))
              .reduce((n, [, v]) => n + v, 0),
          ),
          met ? 'yes' : 'no',
        ]);
      }
    } finally {
      await serve.stop();
    }
  } finally {
    await proxy.stop();
    await peers.stop();
  }
  return {
    id: '6',
    title: 'Registry calls per event (counted by a proxy in front of the registry)',
    body: table(['event', 'tags list', 'manifest HEAD', 'manifest GET', 'other', 'as expected'], rows),
    goals: [
      {
        text: 'one tags listing per event, one HEAD per changed policy, zero manifest GETs',
        met: allMet,
        measured: allMet ? 'every scenario exact' : 'see table',
      },
    ],
  };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { renderResult } = await import('./support/report.ts');
  process.stdout.write(renderResult(await registryCallsBench()));
}
