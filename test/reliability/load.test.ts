import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/peers/free-port.ts';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { type ServeProcess, startServe } from '../../infra/peers/serve-process.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import {
  DISTRIBUTION_CONTENT_TYPE,
  distributionPush,
  distributionReceiver,
} from '../helpers/distribution-event.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { sampleRss } from '../helpers/rss-sampler.ts';
import { waitUntil } from '../helpers/wait-until.ts';

/**
 * Load on loopback: 1,000 webhook requests per second for 5 seconds against `serve` (keep-alive
 * connections), then one burst of 600 at once. serve answers that rate without strain here, so its
 * queue is bounded at 50 messages (IMAGE_AUTOMATION_QUEUE_LIMIT): while a run is in flight the
 * excess must be refused. Asserted: no crash, every answer is 202 or a 429 with Retry-After, the
 * child's RSS stays bounded, and every delivery answered 202 ends up processed by a run.
 */

const TOKEN = 'load-token';
const IMAGES = 5;
const RATE = 1_000;
const SECONDS = 5;
const BURST = 600;
const QUEUE_LIMIT = 50;

interface Answer {
  readonly id: string;
  readonly status: number;
  readonly retryAfter?: string;
  readonly accepted?: number;
}

describe('load: 1,000 webhooks per second for 5 seconds', () => {
  let registry: RegistryServer;
  let git: GitServer;
  let work: { path: string; remove: () => Promise<void> };
  let serve: ServeProcess | undefined;

  beforeAll(async () => {
    work = await scratchDir('ia-rel-load-');
    [registry, git] = await Promise.all([startRegistry(), startGitServer()]);
  });
  afterAll(async () => {
    await serve?.stop();
    await Promise.all([registry?.stop(), git?.stop()]);
    await work?.remove();
  });

  it('answers 202 or 429, stays within its memory bound, and processes every accepted delivery', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < IMAGES; i++)
      files[`apps/svc-${i}.yaml`] =
        `image: ${registry.host}/team/svc-${i}:1.0.0 # {"$imagepolicy": "apps:svc-${i}"}\n`;
    await git.createRepo('fleet', files);
    for (let i = 0; i < IMAGES; i++) await pushImage(registry, { repository: `team/svc-${i}`, tag: '1.1.0' });
    const configDir = join(work.path, 'config');
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
    const state = join(work.path, 'state');
    serve = await startServe({
      config: configDir,
      state,
      port: await freePort(),
      env: { IMAGE_AUTOMATION_LOG_LEVEL: 'info', IMAGE_AUTOMATION_QUEUE_LIMIT: String(QUEUE_LIMIT) },
    });
    const url = new URL(`${serve.url}${hookPath(TOKEN, 'registry', 'apps')}`);
    const rss = sampleRss(serve.child.pid as number, 50);

    const post = (agent: Agent, n: number) =>
      new Promise<Answer>((resolve) => {
        const id = `load-${n}`;
        const body = distributionPush(registry.host, [
          { repository: `team/svc-${n % IMAGES}`, tag: '1.1.0', id },
        ]);
        const req = request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': DISTRIBUTION_CONTENT_TYPE,
              authorization: `Bearer ${TOKEN}`,
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => {
              text += d.toString();
            });
            res.on('end', () => {
              const parsed = res.statusCode === 202 ? (JSON.parse(text) as { accepted: number }) : undefined;
              resolve({
                id,
                status: res.statusCode ?? 0,
                ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}),
                ...(parsed ? { accepted: parsed.accepted } : {}),
              });
            });
          },
        );
        req.on('error', (error) => resolve({ id, status: -1, retryAfter: error.message }));
        req.end(body);
      });

    // Steady phase: RATE per second, sent every 10 ms in slices, for SECONDS seconds.
    const agent = new Agent({ keepAlive: true, maxSockets: 128 });
    const answers: Promise<Answer>[] = [];
    const started = performance.now();
    let n = 0;
    while (n < RATE * SECONDS) {
      const due = Math.min(RATE * SECONDS, Math.floor(((performance.now() - started) / 1000) * RATE));
      while (n < due) answers.push(post(agent, n++));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const sendSeconds = (performance.now() - started) / 1000;
    // Burst phase: BURST requests at once, on as many connections.
    const burstAgent = new Agent({ keepAlive: true, maxSockets: BURST });
    for (let i = 0; i < BURST; i++) answers.push(post(burstAgent, n++));
    const all = await Promise.all(answers);
    agent.destroy();
    burstAgent.destroy();

    const byStatus = Object.groupBy(all, (a) => String(a.status));
    console.info(
      `sent ${all.length} in ${sendSeconds.toFixed(1)} s + a burst of ${BURST}: ${Object.entries(byStatus)
        .map(([status, list]) => `${list?.length}× ${status}`)
        .join(', ')}`,
    );
    expect(Object.keys(byStatus).filter((s) => s !== '202' && s !== '429')).toEqual([]);
    expect(byStatus['429']?.length).toBeGreaterThan(0); // the excess was refused…
    expect((byStatus['429'] ?? []).every((a) => a.retryAfter !== undefined)).toBe(true); // …with a retry hint
    expect(serve.child.exitCode).toBeNull(); // no crash

    // Nothing accepted is lost: every delivery answered 202 (and queued) is in a finished run.
    const accepted = new Set(all.filter((a) => a.status === 202 && a.accepted === 1).map((a) => a.id));
    expect(accepted.size).toBeGreaterThan(0);
    await waitUntil(
      'serve to work through the queue',
      async () => {
        const health = (await (await fetch(`${serve?.url}/healthz`)).json()) as { idle: boolean };
        return health.idle;
      },
      120_000,
      200,
    );
    const processed = new Set<string>();
    for (const line of serve.logs()) {
      if (['pushed', 'repository up-to-date', 'no change since last run'].includes(String(line.message)))
        for (const id of (line.deliveryIds as string[] | undefined) ?? [])
          processed.add(id.replace(/^[^:]*:distribution:/, ''));
    }
    const lost = [...accepted].filter((id) => !processed.has(id));
    expect(lost).toEqual([]);
    expect(await readdir(join(state, 'queue', 'pending'))).toEqual([]);
    for (let i = 0; i < IMAGES; i++)
      expect(await git.readFileAt('fleet', 'main', `apps/svc-${i}.yaml`)).toContain(`svc-${i}:1.1.0@sha256:`);

    const memory = await rss.stop();
    console.info(
      `serve RSS: peak ${memory.peakMiB} MiB, last ${memory.lastMiB} MiB over ${memory.samples} samples`,
    );
    expect(memory.peakMiB).toBeLessThan(400);
  }, 180_000);
});
