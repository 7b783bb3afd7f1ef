import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pushImage } from '../infra/peers/skopeo.ts';
import { runTimed } from '../test/helpers/timed-child.ts';
import { createFixtureRepo, fixtureFiles, fixturePath, resetBranch } from './support/fixture-repo.ts';
import { runGitFloor } from './support/git-floor.ts';
import type { GitPhases } from './support/git-phases.ts';
import { BENCH_NAMESPACE, benchManifests, readRef, startBenchPeers } from './support/peers.ts';
import { type BenchResult, table } from './support/report.ts';
import { mb, median, ms, ratio, seconds } from './support/stats.ts';

/**
 * Benchmark 2: the same reconcile (list tags, HEAD the digest, clone, find and rewrite the marker,
 * commit, push) on a 1,000- and a 20,000-file repository, each run a fresh `image-automation
 * reconcile` process under GNU time, beside the git CLI doing the same work. The branch is reset
 * before every run, so every run makes the same one-line change from the same base.
 */

const bin = fileURLToPath(new URL('../lib/local/bin.js', import.meta.url));
const phasesScript = fileURLToPath(new URL('./support/git-phases.ts', import.meta.url));

/**
 * The Git part through isomorphic-git's clone and readers, the checkout path before the native fetch,
 * as last measured beside it (bench/results/2026-12-03.md, same run as its native rows). That path is
 * gone from the code, so these rows are a record, not a measurement of this run.
 */
const RECORDED_CLONE_PHASES: Readonly<Record<number, readonly string[]>> = Object.freeze({
  1000: ['371 ms', '239 ms', '51 ms', '151 ms', '812 ms', '151 MB'],
  20000: ['3496 ms', '3462 ms', '51 ms', '357 ms', '7367 ms', '433 MB'],
});

export interface RepositorySizeOptions {
  readonly sizes?: readonly number[];
  readonly runs?: number;
}

interface SizeFigures {
  readonly size: number;
  readonly ours: { wallMs: number[]; rssKb: number[] };
  readonly floor: { wallMs: number[]; rssKb: number[]; clone: number[] };
  /** Git work alone (the native fetch's checkout path). */
  readonly phases: { rssKb: number[]; runs: GitPhases[] };
}

export const repositorySizeBench = async (options: RepositorySizeOptions = {}): Promise<BenchResult> => {
  const sizes = options.sizes ?? [1_000, 20_000];
  const runs = options.runs ?? 3;
  const peers = await startBenchPeers({ notify: false });
  const figures: SizeFigures[] = [];
  const startup: { wallMs: number[]; rssKb: number[] } = { wallMs: [], rssKb: [] };
  try {
    // The fixed cost in every row: starting the CLI and loading its modules, with no work to do.
    for (let i = 0; i < runs; i++) {
      const run = await runTimed(process.execPath, [bin, '--help']);
      startup.wallMs.push(run.wallMs);
      startup.rssKb.push(run.maxRssKb);
    }
    const { git, registry, work } = peers;
    await pushImage(registry, { repository: 'bench/app', tag: '1.0.1' });
    for (const size of sizes) {
      const repo = `r${size}`;
      const markerPath = fixturePath(Math.floor(size / 2));
      const base = await createFixtureRepo(
        git,
        repo,
        fixtureFiles(size, [
          { path: markerPath, image: `${registry.host}/bench/app:1.0.0`, policy: `${BENCH_NAMESPACE}:app` },
        ]),
      );
      const configDir = join(work, `config-${size}`);
      await mkdir(configDir);
      await writeFile(
        join(configDir, 'fleet.yaml'),
        benchManifests(git.url(repo), [{ name: 'app', image: `${registry.host}/bench/app` }]),
      );
      const entry: SizeFigures = {
        size,
        ours: { wallMs: [], rssKb: [] },
        floor: { wallMs: [], rssKb: [], clone: [] },
        phases: { rssKb: [], runs: [] },
      };
      // Interleaved, so drift (page cache, CPU frequency) hits both sides alike.
      for (let i = 0; i < runs; i++) {
        const state = join(work, `state-${size}-${i}`);
        const ours = await runTimed(
          process.execPath,
          [bin, 'reconcile', '--config', configDir, '--state', state],
          {
            env: { ...process.env, IMAGE_AUTOMATION_LOG_LEVEL: 'warn' },
          },
        );
        if (!/pushed [0-9a-f]{7}/.test(ours.stdout))
          throw new Error(`reconcile did not push:\n${ours.stdout}${ours.stderr}`);
        if ((await readRef(git.bareDir(repo))) === base)
          throw new Error('reconcile reported a push the server does not have');
        entry.ours.wallMs.push(ours.wallMs);
        entry.ours.rssKb.push(ours.maxRssKb);
        await rm(state, { recursive: true, force: true });
        await resetBranch(git, repo, base);

        const floor = await runGitFloor({
          registryUrl: registry.url,
          repository: 'bench/app',
          tag: '1.0.1',
          imageName: `${registry.host}/bench/app`,
          policy: `${BENCH_NAMESPACE}:app`,
          gitUrl: git.url(repo),
          scratch: work,
        });
        if ((await readRef(git.bareDir(repo))) === base) throw new Error('the git CLI floor did not push');
        entry.floor.wallMs.push(floor.wallMs);
        entry.floor.rssKb.push(floor.maxRssKb);
        entry.floor.clone.push(floor.steps.clone);
        await resetBranch(git, repo, base);

        const run = await runTimed(process.execPath, [
          phasesScript,
          git.url(repo),
          `${BENCH_NAMESPACE}:app`,
          `${registry.host}/bench/app:1.0.1`,
        ]);
        const phases = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as GitPhases;
        if (phases.changes !== 1) throw new Error(`git phases made ${phases.changes} changes`);
        entry.phases.runs.push(phases);
        entry.phases.rssKb.push(run.maxRssKb);
        await resetBranch(git, repo, base);
      }
      figures.push(entry);
    }
  } finally {
    await peers.stop();
  }

  const rows = figures.map((f) => {
    const ours = median(f.ours.wallMs);
    const floor = median(f.floor.wallMs);
    return [
      `${f.size.toLocaleString('en')} files`,
      seconds(ours / 1000),
      mb(Math.max(...f.ours.rssKb)),
      seconds(floor / 1000),
      mb(Math.max(...f.floor.rssKb)),
      ratio(ours, floor),
    ];
  });
  const phaseRows = figures.flatMap((f) => {
    const { runs: r, rssKb } = f.phases;
    const pick = (key: keyof GitPhases) => median(r.map((p) => p[key]));
    const size = `${f.size.toLocaleString('en')} files`;
    const recorded = RECORDED_CLONE_PHASES[f.size];
    return [
      ...(recorded ? [[`${size}, isomorphic-git clone (before; recorded 2026-12-03)`, ...recorded]] : []),
      [
        `${size}, native fetch (now)`,
        ms(pick('checkoutMs')),
        ms(pick('scanMs')),
        ms(pick('commitMs')),
        ms(pick('pushMs')),
        ms(pick('checkoutMs') + pick('scanMs') + pick('commitMs') + pick('pushMs')),
        mb(Math.max(...rssKb)),
      ],
    ];
  });
  const largest = figures.find((f) => f.size === Math.max(...sizes));
  const goals = largest
    ? [
        {
          text: `${largest.size.toLocaleString('en')} files: ≤ 2.5× the git CLI`,
          met: median(largest.ours.wallMs) <= 2.5 * median(largest.floor.wallMs),
          measured: `${seconds(median(largest.ours.wallMs) / 1000)} vs ${seconds(median(largest.floor.wallMs) / 1000)} = ${ratio(median(largest.ours.wallMs), median(largest.floor.wallMs))}`,
        },
        {
          text: `${largest.size.toLocaleString('en')} files: peak RSS ≤ 350 MB`,
          met: Math.max(...largest.ours.rssKb) <= 350 * 1024,
          measured: mb(Math.max(...largest.ours.rssKb)),
        },
      ]
    : [];
  return {
    id: '2',
    title: 'Repository size: one reconcile, a fresh process each run',
    body:
      table(
        [
          'repository',
          'image-automation reconcile',
          'peak RSS',
          'git CLI floor',
          'peak RSS (largest git)',
          'ratio',
        ],
        rows,
      ) +
      '\n\nThe Git part alone, in a child process per run, after the native fetch (this run) and before it (isomorphic-git clone, a recorded figure: that path is no longer in the code):\n\n' +
      table(
        ['repository, checkout path', 'checkout', 'scan + rewrite', 'commit', 'push', 'total', 'peak RSS'],
        phaseRows,
      ),
    goals,
    notes: [
      `Median of ${runs} runs per size, interleaved; each a fresh process (Node start and configuration load included) under /usr/bin/time.` +
        ' The floor: curl HEAD, git clone --depth 1, grep -rl for the marker, sed, git commit, git push; scratch on tmpfs.',
      `Starting the CLI with nothing to do (\`image-automation --help\`) takes ${seconds(median(startup.wallMs) / 1000)} and ${mb(Math.max(...startup.rssKb))} on this machine: module loading, most of the 1,000-file figure.`,
    ],
  };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { renderResult } = await import('./support/report.ts');
  process.stdout.write(renderResult(await repositorySizeBench()));
}
