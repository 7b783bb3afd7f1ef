import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../infra/peers/scratch-dir.ts';
import {
  createLocalQueue,
  type ProcessRequest,
  readDeadLetters,
  redriveDeadLetters,
} from '../../../lib/adapters/queue/local-queue.ts';
import { InternalError, InvalidConfigError, UpstreamError } from '../../../lib/domain/errors.ts';
import type { ReconcileRequest } from '../../../lib/domain/work.ts';
import type { QueueMessage } from '../../../lib/ports/queue.ts';

const message = (
  n: number,
  automation = 'apps/fleet',
  groupId = 'http://git/fleet.git#main',
): QueueMessage => ({
  groupId,
  deduplicationId: `evt-${n}:${automation}`,
  request: {
    automation,
    repositories: [`registry.local/app-${n}`],
    reason: 'event',
    deliveryIds: [`evt-${n}`],
    triggeredAt: new Date(Date.UTC(2026, 10, 21, 10, 0, n)).toISOString(),
  },
});

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const setup = async (
  process: ProcessRequest,
  options: Partial<Parameters<typeof createLocalQueue>[0]> = {},
) => {
  const dir = await scratchDir('ia-queue-');
  const queue = createLocalQueue({
    dir: dir.path,
    process,
    baseRetryDelayMs: 5,
    maxRetryDelayMs: 20,
    ...options,
  });
  cleanups.push(async () => {
    await queue.stop();
    await dir.remove();
  });
  return { queue, dir: dir.path };
};

const spooled = async (dir: string, sub = 'pending') =>
  (await readdir(join(dir, sub)).catch(() => [])).filter((n) => n.endsWith('.json'));

describe('local queue', () => {
  it('starts the first message at once, without waiting for more', async () => {
    const started = deferred();
    const { queue } = await setup(async () => started.resolve());
    await queue.send([message(1)]);
    await started.promise; // would time out if the queue waited for a batch window
    await queue.drain();
  });

  it('folds a burst that arrives during a run into one more run per automation', async () => {
    const runs: ReconcileRequest[] = [];
    const gate = deferred();
    const { queue, dir } = await setup(async (request) => {
      runs.push(request);
      if (runs.length === 1) await gate.promise;
    });
    await queue.send([message(0)]);
    for (let n = 1; n <= 19; n++) await queue.send([message(n)]);
    gate.resolve();
    await queue.drain();
    expect(runs).toHaveLength(2);
    expect(runs[0]?.deliveryIds).toEqual(['evt-0']);
    expect(runs[1]?.deliveryIds).toHaveLength(19);
    expect(runs[1]?.repositories).toHaveLength(19);
    expect(runs[1]?.triggeredAt).toBe(new Date(Date.UTC(2026, 10, 21, 10, 0, 1)).toISOString());
    expect(await spooled(dir)).toEqual([]);
  });

  it('never overlaps two runs of one group, but runs different groups side by side', async () => {
    let inGroupA = 0;
    let maxInGroupA = 0;
    let concurrentGroups = 0;
    let maxConcurrentGroups = 0;
    const { queue } = await setup(async (_request, { groupId }) => {
      concurrentGroups++;
      maxConcurrentGroups = Math.max(maxConcurrentGroups, concurrentGroups);
      if (groupId === 'A') maxInGroupA = Math.max(maxInGroupA, ++inGroupA);
      await new Promise((r) => setTimeout(r, 20));
      if (groupId === 'A') inGroupA--;
      concurrentGroups--;
    });
    await queue.send([
      message(1, 'apps/one', 'A'),
      message(2, 'apps/two', 'A'),
      message(3, 'apps/three', 'B'),
    ]);
    await queue.send([message(4, 'apps/one', 'A')]);
    await queue.drain();
    expect(maxInGroupA).toBe(1);
    expect(maxConcurrentGroups).toBe(2);
  });

  it('keeps accepted messages on disk until processed, so a restart runs them', async () => {
    const blocked = deferred();
    const first = await setup(() => blocked.promise);
    await first.queue.send([message(1), message(2, 'apps/other')]);
    expect(await spooled(first.dir)).toHaveLength(2);
    // Simulate a crash: a new queue on the same directory, the old one never finishes.
    const seen: string[] = [];
    const second = createLocalQueue({ dir: first.dir, process: async (r) => void seen.push(r.automation) });
    expect(await second.start()).toBe(2);
    await second.drain();
    expect(seen.sort()).toEqual(['apps/fleet', 'apps/other']);
    expect(await spooled(first.dir)).toEqual([]);
    blocked.resolve();
  });

  it('retries a retryable failure with backoff, then removes the message', async () => {
    let calls = 0;
    const { queue, dir } = await setup(async () => {
      calls++;
      if (calls < 3) throw new UpstreamError('registry answered 503');
    });
    await queue.send([message(1)]);
    await queue.drain();
    expect(calls).toBe(3);
    expect(await spooled(dir)).toEqual([]);
  });

  it('does not retry a non-retryable failure (the worker recorded it) and does not dead-letter it', async () => {
    let calls = 0;
    const { queue, dir } = await setup(async () => {
      calls++;
      throw new InvalidConfigError('bad range');
    });
    await queue.send([message(1)]);
    await queue.drain();
    expect(calls).toBe(1);
    expect(await spooled(dir)).toEqual([]);
    expect(await spooled(dir, 'dead')).toEqual([]);
  });

  it('moves a message that keeps failing to dead/ after maxAttempts', async () => {
    let calls = 0;
    const { queue, dir } = await setup(
      async () => {
        calls++;
        throw new UpstreamError('down');
      },
      { maxAttempts: 3 },
    );
    await queue.send([message(1)]);
    await queue.drain();
    expect(calls).toBe(3);
    expect(await spooled(dir)).toEqual([]);
    expect(await spooled(dir, 'dead')).toHaveLength(1);
  });

  it('retries a bug (Internal) and dead-letters it with a record, as the Lambda worker does', async () => {
    const attempts: number[] = [];
    const { queue, dir } = await setup(
      async (_, { attempt }) => {
        attempts.push(attempt);
        throw new InternalError('undefined is not a function');
      },
      { maxAttempts: 3, now: () => new Date(Date.UTC(2026, 10, 21, 12)), random: () => 0 },
    );
    await queue.send([message(1), message(2)]);
    await queue.drain();
    expect(attempts).toEqual([1, 2, 3]);
    expect(await spooled(dir)).toEqual([]);
    expect(await spooled(dir, 'dead')).toHaveLength(2);
    const record = {
      automation: 'apps/fleet',
      attempts: 3,
      lastError: { code: 'Internal', message: 'undefined is not a function' },
      at: '2026-11-21T12:00:00.000Z',
    };
    expect(await readDeadLetters(dir)).toEqual([record, record]);
  });

  it('re-drives dead letters: back to pending with fresh attempts, run by the next start', async () => {
    let fail = true;
    const runs: ReconcileRequest[] = [];
    const { queue, dir } = await setup(
      async (request) => {
        runs.push(request);
        if (fail) throw new UpstreamError('down');
      },
      { maxAttempts: 2 },
    );
    await queue.send([message(1)]);
    await queue.drain();
    await queue.stop();
    expect(await readDeadLetters(dir)).toHaveLength(1);

    expect(await redriveDeadLetters(dir)).toBe(1);
    expect(await readDeadLetters(dir)).toEqual([]);
    fail = false;
    const { queue: next } = await setup(
      async (request) => {
        runs.push(request);
      },
      { dir },
    );
    expect(await next.start()).toBe(1);
    await next.drain();
    expect(runs).toHaveLength(3);
    expect(await spooled(dir)).toEqual([]);
  });

  it('drops a message whose deduplication id is already waiting', async () => {
    const runs: ReconcileRequest[] = [];
    const gate = deferred();
    const { queue } = await setup(async (request) => {
      runs.push(request);
      if (runs.length === 1) await gate.promise;
    });
    await queue.send([message(0)]);
    await queue.send([message(1)]);
    await queue.send([message(1), message(1)]);
    expect(queue.size()).toBe(1);
    gate.resolve();
    await queue.drain();
    expect(runs.map((r) => r.deliveryIds)).toEqual([['evt-0'], ['evt-1']]);
  });

  it('refuses new work with a retryable error when full, and keeps what it accepted', async () => {
    const gate = deferred();
    const { queue, dir } = await setup(() => gate.promise, { maxPending: 2 });
    await queue.send([message(0)]); // running, no longer pending
    await queue.send([message(1), message(2)]);
    await expect(queue.send([message(3)])).rejects.toMatchObject({
      code: 'Upstream',
      retryable: true,
      data: { reason: 'queue-full' },
    });
    expect(await spooled(dir)).toHaveLength(3);
    gate.resolve();
    await queue.drain();
  });

  it('stop() waits for the run in flight and leaves pending messages on disk', async () => {
    const gate = deferred();
    let finished = false;
    const { queue, dir } = await setup(async () => {
      await gate.promise;
      finished = true;
    });
    await queue.send([message(0)]);
    await queue.send([message(1)]);
    const stopping = queue.stop();
    gate.resolve();
    await stopping;
    expect(finished).toBe(true);
    expect(await spooled(dir)).toHaveLength(1);
  });
});
