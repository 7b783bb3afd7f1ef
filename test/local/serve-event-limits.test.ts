import { createHash } from 'node:crypto';
import { mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { fileStateStoreDefaults } from '../../lib/adapters/state/file-state-store.ts';
import { webhookDefaults } from '../../lib/adapters/webhooks/handle-webhook.ts';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import {
  DISTRIBUTION_CONTENT_TYPE,
  distributionPush,
  distributionReceiver,
} from '../helpers/distribution-event.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { serveInProcess } from '../helpers/serve-in-process.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const TOKEN = 'event-limits-token';
const REGISTRY = 'registry.example';
const deliveryFile = (id: string) => createHash('sha256').update(id).digest('hex');

/**
 * One request must not turn into thousands of files: the events of a payload are capped, the work of
 * one request is one queue message per automation, and expired delivery ids are pruned by `serve`.
 */
describe('serve: events per request, batched writes, pruned delivery ids', () => {
  let work: { path: string; remove: () => Promise<void> };
  let serve: Awaited<ReturnType<typeof serveInProcess>>;
  let deliveries: string;
  let pending: string;
  const post = (body: string) =>
    fetch(`${serve.url}${hookPath(TOKEN, 'registry', 'apps')}`, {
      method: 'POST',
      headers: { 'content-type': DISTRIBUTION_CONTENT_TYPE, authorization: `Bearer ${TOKEN}` },
      body,
    });
  const pushes = (count: number, prefix: string) =>
    distributionPush(
      REGISTRY,
      Array.from({ length: count }, (_, i) => ({
        repository: 'acme/web',
        tag: `1.0.${i}`,
        id: `${prefix}-${i}`,
      })),
    );
  const files = async (dir: string) => (await readdir(dir).catch(() => [])).filter((n) => !n.startsWith('.'));

  beforeAll(async () => {
    work = await scratchDir('ia-serve-events-');
    const config = join(work.path, 'fleet.yaml');
    await writeFile(
      config,
      fleetManifests({
        gitUrl: 'http://127.0.0.1:1/fleet.git',
        policies: [{ name: 'web', image: `${REGISTRY}/acme/web` }],
        extra: distributionReceiver('apps', TOKEN),
      }),
    );
    const state = join(work.path, 'state');
    deliveries = join(state, 'state', 'deliveries');
    pending = join(state, 'queue', 'pending');
    // One delivery id recorded past the retention, one within it. Both times are set from this
    // process's clock, as the store records them: the kernel stamps a new file with the real time,
    // which `npm run test:later` (faketime) does not move.
    await mkdir(deliveries, { recursive: true });
    const now = Date.now();
    const expired = new Date(now - fileStateStoreDefaults.deliveryRetentionMs - 3600_000);
    const recent = new Date(now - 60_000);
    await writeFile(join(deliveries, deliveryFile('old')), '');
    await utimes(join(deliveries, deliveryFile('old')), expired, expired);
    await writeFile(join(deliveries, deliveryFile('recent')), '');
    await utimes(join(deliveries, deliveryFile('recent')), recent, recent);
    serve = await serveInProcess(config, state);
  });
  afterAll(async () => {
    expect(await serve?.stop()).toBe(0);
    await work?.remove();
  });

  it('forgets delivery ids past the retention when it starts, and keeps the others', async () => {
    await waitUntil('the expired delivery id to be pruned', async () =>
      stat(join(deliveries, deliveryFile('old'))).then(
        () => false,
        () => true,
      ),
    );
    expect(await files(deliveries)).toEqual([deliveryFile('recent')]);
  });

  it(`refuses a payload of more than ${webhookDefaults.maxEventsPerRequest} events with 413, writing nothing`, async () => {
    const response = await post(pushes(webhookDefaults.maxEventsPerRequest + 1, 'over'));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: `payload carries ${webhookDefaults.maxEventsPerRequest + 1} events; at most ${webhookDefaults.maxEventsPerRequest} per request`,
    });
    expect(await files(pending)).toEqual([]);
    expect(await files(deliveries)).toEqual([deliveryFile('recent')]);
  });

  it('queues the events of one request as one message per automation, and a replay as nothing', async () => {
    const body = pushes(webhookDefaults.maxEventsPerRequest, 'batch');
    const response = await post(body);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 100, duplicates: 0, queued: 1 });
    // One queue file (the run fails on the unreachable Git server and stays queued for a retry)…
    const queued = [...(await files(pending)), ...(await files(join(pending, '..', 'dead')))];
    expect(queued).toHaveLength(1);
    // …and one delivery file per event, each id prefixed with its Receiver.
    expect(await files(deliveries)).toHaveLength(101);
    expect(await files(deliveries)).toContain(deliveryFile('apps/registry:distribution:batch-7'));

    const replay = await post(body);
    expect(await replay.json()).toMatchObject({ accepted: 0, duplicates: 100, queued: 0 });
  });
});
