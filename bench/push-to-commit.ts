import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServe } from '../infra/peers/serve-process.ts';
import { pushImage } from '../infra/peers/skopeo.ts';
import { createFixtureRepo, fixtureFiles, fixturePath } from './support/fixture-repo.ts';
import { runGitFloor } from './support/git-floor.ts';
import {
  BENCH_NAMESPACE,
  benchManifests,
  readRef,
  startBenchPeers,
  waitForRefChange,
} from './support/peers.ts';
import { type BenchResult, table } from './support/report.ts';
import { median, ms, percentile, ratio } from './support/stats.ts';

/**
 * Benchmark 1: push-to-commit latency through `serve`. The registry's own notification reaches
 * serve; serve lists tags, HEADs the digest, clones, rewrites, commits and pushes to the Git server.
 * Measured from the end of `skopeo copy` to the new commit on the server's branch, over `pushes`
 * sequential pushes on a 1,000-file repository; beside it, in the same run and interleaved, the git
 * CLI doing the same work by hand (support/git-floor.ts).
 */

export interface PushToCommitOptions {
  readonly files?: number;
  readonly pushes?: number;
}

export const pushToCommitBench = async (options: PushToCommitOptions = {}): Promise<BenchResult> => {
  const files = options.files ?? 1_000;
  const pushes = options.pushes ?? 20;
  const peers = await startBenchPeers({ notify: true });
  const latencies: number[] = [];
  const floors: number[] = [];
  const floorSteps: Array<Record<string, number>> = [];
  try {
    const { git, registry, work, servePort } = peers;
    const policy = `${BENCH_NAMESPACE}:app`;
    const image = `${registry.host}/bench/app`;
    const fixture = fixtureFiles(files, [
      { path: fixturePath(Math.floor(files / 2)), image: `${image}:1.0.0`, policy },
    ]);
    await createFixtureRepo(git, 'fleet', fixture);
    // The floor edits its own copy, so the measured repository's history is serve's alone.
    await createFixtureRepo(git, 'floor', fixture);
    await pushImage(registry, { repository: 'bench/app', tag: '1.0.0' });
    const configDir = join(work, 'config');
    await mkdir(configDir);
    await writeFile(
      join(configDir, 'fleet.yaml'),
      benchManifests(git.url('fleet'), [{ name: 'app', image }]),
    );
    const serve = await startServe({
      config: configDir,
      state: join(work, 'state'),
      port: servePort,
      env: { IMAGE_AUTOMATION_LOG_LEVEL: 'info' },
    });
    try {
      const bare = git.bareDir('fleet');
      // One warm-up push: the first run pays for module loading and JIT in serve.
      for (let i = 0; i <= pushes; i++) {
        const tag = `1.0.${i + 1}`;
        const before = await readRef(bare);
        await pushImage(registry, { repository: 'bench/app', tag });
        const pushed = performance.now();
        const { at } = await waitForRefChange(bare, before);
        if (i > 0) latencies.push(at - pushed);
        await serve.waitIdle();
        const floor = await runGitFloor({
          registryUrl: registry.url,
          repository: 'bench/app',
          tag,
          imageName: image,
          policy,
          gitUrl: git.url('floor'),
          scratch: work,
        });
        if (i > 0) {
          floors.push(floor.wallMs);
          floorSteps.push(floor.steps);
        }
      }
      const content = await git.readFileAt('fleet', 'main', fixturePath(Math.floor(files / 2)));
      if (!content.includes(`${image}:1.0.${pushes + 1}@sha256:`))
        throw new Error('the last push was not pinned');
    } finally {
      await serve.stop();
    }
  } finally {
    await peers.stop();
  }
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  const floor50 = median(floors);
  const step = (name: string) => ms(median(floorSteps.map((s) => s[name] ?? 0)));
  return {
    id: '1',
    title: `Push-to-commit latency through serve (${files.toLocaleString('en')}-file repository, ${pushes} pushes)`,
    body: table(
      ['', 'p50', 'p95', 'ratio p50 / floor p50'],
      [
        [
          'serve: registry notification → pinned commit on the Git server',
          ms(p50),
          ms(p95),
          ratio(p50, floor50),
        ],
        [
          `floor: git CLI by hand (HEAD ${step('head')}, clone ${step('clone')}, edit ${step('edit')}, commit ${step('commit')}, push ${step('push')})`,
          ms(floor50),
          ms(percentile(floors, 95)),
          '1.00×',
        ],
      ],
    ),
    goals: [
      { text: 'p50 ≤ 1 s', met: p50 <= 1000, measured: `p50 ${ms(p50)}, p95 ${ms(p95)}` },
      {
        text: 'p50 ≤ 2× the floor',
        met: p50 <= 2 * floor50,
        measured: `${ms(p50)} vs ${ms(floor50)} = ${ratio(p50, floor50)}`,
      },
    ],
    notes: [
      "Latency runs from the end of `skopeo copy` to the new ref on the Git server (read from the bare repository's ref file). Serve's path includes the registry's notification delivery, tag listing and HEAD; the floor starts from a known tag.",
    ],
  };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { renderResult } = await import('./support/report.ts');
  process.stdout.write(renderResult(await pushToCommitBench()));
}
