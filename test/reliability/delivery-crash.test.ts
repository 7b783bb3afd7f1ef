import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { createLocalQueue } from '../../lib/adapters/queue/local-queue.ts';
import { createFileStateStore } from '../../lib/adapters/state/file-state-store.ts';
import { ingestHook } from '../../lib/app/ingest-hook.ts';
import type { RegistryEvent } from '../../lib/domain/work.ts';
import { systemClock } from '../../lib/ports/clock.ts';
import { silentLogger } from '../../lib/ports/logger.ts';
import type { Queue } from '../../lib/ports/queue.ts';
import { fleetConfig } from '../helpers/fleet-config.ts';

/**
 * A process fault at one exact point, which random kills rarely hit: the process dies after the
 * webhook's delivery id was remembered and before its work was durably queued. The sender got no
 * 2xx, so it sends the same delivery again after the restart; that retry must be queued, not
 * dismissed as a replay of something already done. Lost: nothing. Duplicated: nothing.
 */
describe('killed between remembering a delivery and queueing its work', () => {
  let work: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    work = await scratchDir('ia-rel-delivery-');
  });
  afterAll(async () => {
    await work?.remove();
  });

  const config = fleetConfig({
    gitUrl: 'http://127.0.0.1:1/fleet.git',
    policies: [{ name: 'web', image: 'registry.example.com/team/web' }],
  });
  const event: RegistryEvent = {
    registry: 'registry.example.com',
    repository: 'team/web',
    tag: '1.1.0',
    deliveryId: 'distribution:evt-crash',
    source: 'apps/registry',
  };

  it('queues the sender retry after the restart, once', async () => {
    const stateDir = join(work.path, 'state');
    const queueDir = join(work.path, 'queue');
    // Process A: the delivery is remembered, then the process dies inside queue.send (it never returns).
    let dying: () => void = () => {};
    const died = new Promise<void>((resolve) => {
      dying = resolve;
    });
    const neverQueued: Queue = {
      send: () => {
        dying();
        return new Promise(() => {});
      },
    };
    const first = ingestHook(
      {
        config,
        state: createFileStateStore({ dir: stateDir }),
        queue: neverQueued,
        clock: systemClock,
        logger: silentLogger,
      },
      { events: [event], repositories: 'every-with-image' },
    );
    void first;
    await died;

    // Process B, same state directory: the registry re-sends the delivery it got no answer for.
    const processed: string[][] = [];
    const queue = createLocalQueue({
      dir: queueDir,
      process: async (request) => {
        processed.push([...request.deliveryIds]);
      },
    });
    await queue.start();
    const deps = {
      config,
      state: createFileStateStore({ dir: stateDir }),
      queue,
      clock: systemClock,
      logger: silentLogger,
    };
    const retry = await ingestHook(deps, { events: [event], repositories: 'every-with-image' });
    expect(retry).toMatchObject({ accepted: 1, duplicates: 0, queued: 1 });
    await queue.drain();
    expect(processed).toEqual([['distribution:evt-crash']]);

    // A later genuine replay is still recognised and queues nothing.
    const replay = await ingestHook(deps, { events: [event], repositories: 'every-with-image' });
    expect(replay).toMatchObject({ accepted: 0, duplicates: 1, queued: 0 });
    await queue.drain();
    expect(processed).toHaveLength(1);
    expect(await readdir(join(queueDir, 'pending'))).toEqual([]);
  });
});
