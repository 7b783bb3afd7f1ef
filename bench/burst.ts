import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServe } from '../infra/peers/serve-process.ts';
import { pushImage } from '../infra/peers/skopeo.ts';
import { createFixtureRepo, type FixtureMarker, fixtureFiles, fixturePath } from './support/fixture-repo.ts';
import { BENCH_NAMESPACE, benchManifests, readRef, startBenchPeers } from './support/peers.ts';
import { type BenchResult, table } from './support/report.ts';
import { stagePush } from './support/staged-push.ts';
import { ms, seconds } from './support/stats.ts';

/**
 * Benchmark 4: a burst. 50 images, each with its own policy and marker in one 1,000-file
 * repository; 50 pushes (manifest PUTs, blobs staged beforehand) spread evenly over one second.
 * Measured: time from the first push until every marker is pinned on the server, commits made,
 * events lost (a marker never pinned to its pushed digest). Goal: ≤ 10 s, ≤ 5 commits, 0 lost.
 */

export interface BurstOptions {
  readonly images?: number;
  readonly files?: number;
  readonly windowMs?: number;
}

/** Contents of `paths` at `ref`, with one `git cat-file --batch` (one process, not one per file). */
const readFilesAt = (bareDir: string, ref: string, paths: readonly string[]): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const child = spawn('git', [`--git-dir=${bareDir}`, 'cat-file', '--batch'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', () => {
      const out = Buffer.concat(chunks);
      const files: string[] = [];
      let at = 0;
      for (let i = 0; i < paths.length; i++) {
        const eol = out.indexOf(10, at);
        const header = out.subarray(at, eol).toString();
        const size = Number(header.split(' ')[2] ?? 0);
        files.push(header.endsWith('missing') ? '' : out.subarray(eol + 1, eol + 1 + size).toString());
        at = header.endsWith('missing') ? eol + 1 : eol + 1 + size + 1;
      }
      resolve(files);
    });
    child.stdin.end(paths.map((p) => `${ref}:${p}\n`).join(''));
  });

export const burstBench = async (options: BurstOptions = {}): Promise<BenchResult> => {
  const images = options.images ?? 50;
  const files = options.files ?? 1_000;
  const windowMs = options.windowMs ?? 1_000;
  const peers = await startBenchPeers({ notify: true });
  let elapsedMs = Number.NaN;
  let pushWindowMs = Number.NaN;
  let commits = 0;
  let lost = images;
  let eventsQueued = 0;
  try {
    const { git, registry, work, servePort } = peers;
    const names = Array.from({ length: images }, (_, i) => `img-${String(i).padStart(2, '0')}`);
    const markers: FixtureMarker[] = names.map((name, i) => ({
      path: fixturePath(Math.floor((i * files) / images)),
      image: `${registry.host}/bench/${name}:1.0.0`,
      policy: `${BENCH_NAMESPACE}:${name}`,
    }));
    await createFixtureRepo(git, 'fleet', fixtureFiles(files, markers));
    const configDir = join(work, 'config');
    await mkdir(configDir);
    await writeFile(
      join(configDir, 'fleet.yaml'),
      benchManifests(
        git.url('fleet'),
        names.map((name) => ({ name, image: `${registry.host}/bench/${name}` })),
      ),
    );
    const serve = await startServe({
      config: configDir,
      state: join(work, 'state'),
      port: servePort,
      env: { IMAGE_AUTOMATION_LOG_LEVEL: 'info' },
    });
    try {
      // 1.0.0 exists beforehand, as in a real fleet; serve pins it, and settles, before the burst.
      for (const name of names) await pushImage(registry, { repository: `bench/${name}`, tag: '1.0.0' });
      const staged = await Promise.all(
        names.map((name) =>
          stagePush(registry.url, join(work, 'layouts'), { repository: `bench/${name}`, tag: '1.1.0' }),
        ),
      );
      const settled = performance.now() + 60_000;
      while (serve.logs().filter((l) => l.message === 'event queued').length < images) {
        if (performance.now() > settled) throw new Error('the 1.0.0 pushes were not all notified');
        await new Promise((r) => setTimeout(r, 50));
      }
      await serve.waitIdle(60_000);
      const queuedBefore = serve.logs().filter((l) => l.message === 'event queued').length;
      const bare = git.bareDir('fleet');
      const base = await readRef(bare);
      const expected = staged.map((s, i) => `${registry.host}/bench/${names[i]}:1.1.0@${s.digest}`);
      const pinned = async (ref: string) => {
        const contents = await readFilesAt(
          bare,
          ref,
          markers.map((m) => m.path),
        );
        return contents.filter((text, i) => text.includes(expected[i] as string)).length;
      };
      const started = performance.now();
      const publishing = staged.map(
        (s, i) =>
          new Promise<void>((resolve, reject) => {
            setTimeout(() => s.publish().then(resolve, reject), (i * windowMs) / images);
          }),
      );
      // Polled while the pushes are still going: the commit time is not held back by the last PUT.
      const published = Promise.all(publishing).then(() => {
        pushWindowMs = performance.now() - started;
      });
      let seen = base;
      const deadline = performance.now() + 60_000;
      for (;;) {
        const ref = await readRef(bare);
        if (ref !== seen) {
          seen = ref;
          if ((await pinned(ref)) === images) {
            elapsedMs = performance.now() - started;
            break;
          }
        }
        if (performance.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      await published;
      await serve.waitIdle(60_000);
      lost = images - (await pinned('main'));
      commits = Number((await git.git('fleet', ['rev-list', '--count', `${base}..main`])).trim());
      eventsQueued = serve.logs().filter((l) => l.message === 'event queued').length - queuedBefore;
    } finally {
      await serve.stop();
    }
  } finally {
    await peers.stop();
  }
  return {
    id: '4',
    title: `Burst: ${images} pushes to ${images} images watched by one repository, within ${seconds(windowMs / 1000)}`,
    body: table(
      ['pushes', 'push window', 'events queued', 'all pinned after', 'commits', 'events lost'],
      [
        [
          String(images),
          ms(pushWindowMs),
          String(eventsQueued),
          Number.isNaN(elapsedMs) ? 'never' : seconds(elapsedMs / 1000),
          String(commits),
          String(lost),
        ],
      ],
    ),
    goals: [
      { text: 'all committed ≤ 10 s', met: elapsedMs <= 10_000, measured: seconds(elapsedMs / 1000) },
      { text: '≤ 5 commits', met: commits <= 5 && commits >= 1, measured: `${commits} commits` },
      { text: '0 events lost', met: lost === 0, measured: `${lost} lost` },
    ],
    notes: [
      'Pushes are manifest PUTs through the Distribution API with the blobs uploaded beforehand, spread evenly over the window; the registry notifies serve of each. Time runs from the first PUT to the first commit on the server in which all markers are pinned.',
    ],
  };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { renderResult } = await import('./support/report.ts');
  process.stdout.write(renderResult(await burstBench()));
}
