import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { createLocalQueue, readDeadLetters } from '../../lib/adapters/queue/local-queue.ts';
import { createMemoryStateStore } from '../../lib/adapters/state/memory-state-store.ts';
import { buildStatusReport } from '../../lib/app/status-report.ts';
import { InternalError, UpstreamError } from '../../lib/domain/errors.ts';
import type { ReconcileRequest } from '../../lib/domain/work.ts';
import { main } from '../../lib/local/cli.ts';
import { recordingIo } from '../helpers/cli-io.ts';

const NOW = new Date('2026-11-21T10:00:00Z');
const GIVEN_UP = new Date('2026-11-21T09:00:00Z');

const request = (automation: string, n: number): ReconcileRequest => ({
  automation,
  repositories: ['registry.local/app'],
  reason: 'event',
  deliveryIds: [`evt-${n}`],
  triggeredAt: '2026-11-21T08:00:00.000Z',
});

/** A state directory whose queue gave up on two automations (what `serve` leaves behind). */
const seed = async (stateDir: string) => {
  const queue = createLocalQueue({
    dir: join(stateDir, 'queue'),
    maxAttempts: 2,
    baseRetryDelayMs: 1,
    maxRetryDelayMs: 2,
    random: () => 0,
    now: () => GIVEN_UP,
    process: async (r) => {
      throw r.automation === 'apps/web'
        ? new InternalError('bug: x is undefined')
        : new UpstreamError('503\nagain');
    },
  });
  await queue.send([
    { groupId: 'g1', deduplicationId: 'evt-1:apps/web', request: request('apps/web', 1) },
    { groupId: 'g2', deduplicationId: 'evt-2:team/api', request: request('team/api', 2) },
  ]);
  await queue.drain();
  await queue.stop();
};

let work: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  work = await scratchDir('ia-redrive-');
  await seed(work.path);
});
afterAll(() => work.remove());

const at = (now: Date) => {
  const run = recordingIo();
  return { ...run, io: { ...run.io, now: () => now } };
};

describe('local dead letters: status and redrive', () => {
  it('status lists them: a count, then automation, attempts, when, last error', async () => {
    const run = at(NOW);
    expect(await main(['status', '--state', work.path], run.io)).toBe(0);
    expect(
      run.stdout(),
    ).toContain(`2 dead letter(s): given up after the last attempt; fix the cause, then \`image-automation redrive\`
AUTOMATION  ATTEMPTS  GIVEN UP                       LAST ERROR
apps/web    2         2026-11-21T09:00:00Z (1h ago)  Internal: bug: x is undefined
team/api    2         2026-11-21T09:00:00Z (1h ago)  Upstream: 503 again
`);
    const json = at(NOW);
    expect(await main(['status', '--state', work.path, '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.stdout()).deadLetters).toEqual({
      count: 2,
      items: [
        {
          automation: 'apps/web',
          attempts: 2,
          lastError: { code: 'Internal', message: 'bug: x is undefined' },
          at: '2026-11-21T09:00:00.000Z',
          ageSeconds: 3600,
        },
        expect.objectContaining({
          automation: 'team/api',
          lastError: { code: 'Upstream', message: '503\nagain' },
        }),
      ],
    });
  });

  it("a Receiver's status view sees the dead letters of its namespace only", async () => {
    const report = await buildStatusReport(createMemoryStateStore(), {
      now: NOW,
      view: { scope: 'namespaces', namespaces: new Set(['team']) },
      deadLetters: await readDeadLetters(join(work.path, 'queue')),
    });
    expect(report.deadLetters?.items.map((d) => d.automation)).toEqual(['team/api']);
    expect(report.deadLetters?.count).toBe(1);
  });

  it('redrive is refused while serve holds the state directory', async () => {
    // What a running serve leaves: its (live) process id in serve.lock. Process 1 is always alive.
    await writeFile(join(work.path, 'serve.lock'), '1');
    try {
      const run = at(NOW);
      expect(await main(['redrive', '--state', work.path], run.io)).toBe(2);
      expect(run.stderr()).toMatch(/in use by process 1/);
      expect(await readDeadLetters(join(work.path, 'queue'))).toHaveLength(2);
    } finally {
      await rm(join(work.path, 'serve.lock'));
    }
  });

  it('redrive moves them back to the queue with fresh attempts; the next start runs them', async () => {
    await seed(work.path);
    const run = at(NOW);
    expect(await main(['redrive', '--state', work.path], run.io)).toBe(0);
    expect(run.stdout()).toMatch(/^\d+ dead letter\(s\) re-queued/);
    expect(await readDeadLetters(join(work.path, 'queue'))).toEqual([]);

    const ran: string[] = [];
    const queue = createLocalQueue({
      dir: join(work.path, 'queue'),
      process: async (r) => {
        ran.push(r.automation);
      },
    });
    expect(await queue.start()).toBeGreaterThanOrEqual(2);
    await queue.drain();
    await queue.stop();
    expect(new Set(ran)).toEqual(new Set(['apps/web', 'team/api']));

    const empty = at(NOW);
    expect(await main(['redrive', '--state', work.path], empty.io)).toBe(0);
    expect(empty.stdout()).toBe('no dead letters\n');
  });
});
