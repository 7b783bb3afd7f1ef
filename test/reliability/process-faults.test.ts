import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/peers/free-port.ts';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { type ServeProcess, startServe } from '../../infra/peers/serve-process.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import { distributionReceiver } from '../helpers/distribution-event.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { seededRandom } from '../helpers/seeded-random.ts';
import { waitUntil } from '../helpers/wait-until.ts';

/**
 * Process faults: `serve` killed with SIGKILL at random points (seeded) of handling a push — before
 * the registry's notification is answered, while the reconcile resolves, clones, commits or pushes,
 * after the push — 20 times in a row on one state directory. The registry's own notifications are
 * used, so a delivery that got no 2xx is re-sent, as in production. After every restart the push is
 * applied exactly once: its marker pinned, one commit more, never two.
 */

const TOKEN = 'process-faults-token';
const IMAGES = 4;
const RUNS = 20;
const SEED = Number(process.env.RELIABILITY_SEED ?? 20_261_121);

/** Where in the handling of a push the kill landed, read from the killed process's log. */
const phaseOf = (logs: ReadonlyArray<Record<string, unknown>>, tag: string, image: string) => {
  if (logs.some((l) => l.message === 'pushed' && JSON.stringify(l.changes ?? '').includes(`${image}:${tag}`)))
    return 'after the push';
  if (logs.some((l) => l.message === 'event queued' && l.tag === tag && l.repository === image))
    return 'during the reconcile';
  return 'before the event was queued';
};

describe('serve killed with SIGKILL at random points of a reconcile', () => {
  let registry: RegistryServer;
  let git: GitServer;
  let work: { path: string; remove: () => Promise<void> };
  let serve: ServeProcess | undefined;
  let port: number;
  let configDir: string;
  let stateDir: string;

  const start = async () => {
    serve = await startServe({
      config: configDir,
      state: stateDir,
      port,
      env: { IMAGE_AUTOMATION_LOG_LEVEL: 'info' },
    });
    return serve;
  };

  beforeAll(async () => {
    work = await scratchDir('ia-rel-process-');
    port = await freePort();
    git = await startGitServer();
    registry = await startRegistry({
      notify: {
        url: `http://127.0.0.1:${port}${hookPath(TOKEN, 'registry', 'apps')}`,
        headers: { Authorization: [`Bearer ${TOKEN}`] },
      },
    });
    const files: Record<string, string> = {};
    for (let i = 0; i < IMAGES; i++)
      files[`apps/svc-${i}.yaml`] =
        `image: ${registry.host}/team/svc-${i}:1.0.0 # {"$imagepolicy": "apps:svc-${i}"}\n`;
    await git.createRepo('fleet', files);
    configDir = join(work.path, 'config');
    stateDir = join(work.path, 'state');
    await mkdir(configDir);
    await writeFile(
      join(configDir, 'fleet.yaml'),
      fleetManifests({
        gitUrl: git.url('fleet'),
        policies: Array.from({ length: IMAGES }, (_, i) => ({
          name: `svc-${i}`,
          image: `${registry.host}/team/svc-${i}`,
        })),
        extra: distributionReceiver('apps', TOKEN),
      }),
    );
  });

  afterAll(async () => {
    await serve?.stop('SIGKILL');
    await Promise.all([registry?.stop(), git?.stop()]);
    await work?.remove();
  });

  it(`applies every push exactly once across ${RUNS} kills (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const base = (await git.gitLog('fleet', 'main'))[0]?.commit as string;
    const commitCount = async () => (await git.gitLog('fleet', 'main')).length;
    let running = await start();
    // Calibration, no kill: how long one push takes to become a commit here, so that kill points
    // spread over the whole handling whatever this machine's speed.
    const pushStart = performance.now();
    const calibrationDigest = await pushImage(registry, { repository: 'team/svc-0', tag: '1.0.1' });
    const calibrationStart = performance.now();
    const pushMs = calibrationStart - pushStart;
    await waitUntil('the calibration commit', async () =>
      (await git.readFileAt('fleet', 'main', 'apps/svc-0.yaml')).includes(`1.0.1@${calibrationDigest}`),
    );
    const handlingMs = performance.now() - calibrationStart;
    await running.waitIdle();

    const expected = new Map<string, string>([['apps/svc-0.yaml', `svc-0:1.0.1@${calibrationDigest}`]]);
    const phases: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const index = run % IMAGES;
      const image = `team/svc-${index}`;
      const tag = `1.${Math.floor(run / IMAGES) + 1}.0`;
      const file = `apps/svc-${index}.yaml`;
      const commitsBefore = await commitCount();
      // From the start of the push: some kills land before the registry has even notified.
      const delay = Math.floor(random() * (pushMs + handlingMs * 1.2));

      const pushing = pushImage(registry, { repository: image, tag });
      await new Promise((resolve) => setTimeout(resolve, delay));
      await running.stop('SIGKILL');
      const digest = await pushing;
      phases.push(phaseOf(running.logs(), tag, image));

      running = await start();
      await waitUntil(
        `run ${run}: ${image}:${tag} pinned after the restart`,
        async () => (await git.readFileAt('fleet', 'main', file)).includes(`${tag}@${digest}`),
        30_000,
      );
      await running.waitIdle();
      expected.set(file, `svc-${index}:${tag}@${digest}`);
      // Exactly once: one commit more, not two (a replayed delivery or a re-run queued message finds nothing to do).
      expect(await commitCount(), `run ${run} (killed ${delay} ms after the push started)`).toBe(
        commitsBefore + 1,
      );
    }

    // Nothing lost: every file holds its last push. Nothing duplicated: one commit per push, one file each.
    for (const [file, ref] of expected)
      expect(await git.readFileAt('fleet', 'main', file)).toContain(`${ref} #`);
    const perCommit = (await git.git('fleet', ['log', '--format=@%H', '--name-only', `${base}..main`]))
      .split('@')
      .filter((chunk) => chunk.trim() !== '')
      .map((chunk) => chunk.trim().split('\n').slice(1).filter(Boolean));
    expect(perCommit).toHaveLength(RUNS + 1);
    expect(perCommit.every((files) => files.length === 1)).toBe(true);
    expect(await readdir(join(stateDir, 'queue', 'pending'))).toEqual([]);
    expect(await readdir(join(stateDir, 'queue')).then((names) => names.includes('dead'))).toBe(false);
    expect(await git.git('fleet', ['fsck', '--strict', '--no-dangling'])).toBe('');
    // The kills did land inside the reconcile, not only before or after it.
    expect(phases).toContain('during the reconcile');
    const counts = Object.entries(Object.groupBy(phases, (p) => p)).map(([p, all]) => `${all?.length} ${p}`);
    console.info(`kill points: ${counts.join(', ')}`);
  }, 240_000);
});
