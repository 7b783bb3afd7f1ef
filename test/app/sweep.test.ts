import { describe, expect, it } from 'vitest';
import { createMemoryStateStore } from '../../lib/adapters/state/memory-state-store.ts';
import { sweep } from '../../lib/app/sweep.ts';
import { silentLogger } from '../../lib/ports/logger.ts';
import type { QueueMessage } from '../../lib/ports/queue.ts';
import { fleetConfig } from '../helpers/fleet-config.ts';

const config = fleetConfig({
  gitUrl: 'http://git.example/fleet.git',
  policies: [
    { name: 'web', image: 'registry.example/team/web' },
    { name: 'api', image: 'registry.example/team/api' },
  ],
});
// fleetConfig: ImageRepository interval 1h, automation interval 30m.
const at = (iso: string) => ({ now: () => new Date(iso) });

const run = async (state = createMemoryStateStore(), now = '2026-11-21T12:00:00Z', all = false) => {
  const sent: QueueMessage[] = [];
  const messages = await sweep(
    {
      config,
      state,
      queue: { send: async (m) => void sent.push(...m) },
      clock: at(now),
      logger: silentLogger,
    },
    { all },
  );
  return { messages, sent, state };
};

describe('sweep', () => {
  it('queues every repository of an automation that never ran', async () => {
    const { sent } = await run();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      groupId: 'http://git.example/fleet.git#main',
      request: {
        automation: 'apps/fleet',
        reason: 'sweep',
        repositories: ['registry.example/team/api', 'registry.example/team/web'],
      },
    });
  });

  it('queues nothing while every interval is running, and only the repositories whose interval elapsed', async () => {
    const state = createMemoryStateStore();
    await state.write(
      'repository',
      'registry.example/team/web',
      { canonicalName: 'registry.example/team/web', lastScanTime: '2026-11-21T11:30:00Z' },
      0,
    );
    await state.write(
      'repository',
      'registry.example/team/api',
      { canonicalName: 'registry.example/team/api', lastScanTime: '2026-11-21T10:30:00Z' },
      0,
    );
    await state.write('automation', 'apps/fleet', { lastRunTime: '2026-11-21T11:59:00Z' }, 0);
    const { sent } = await run(state, '2026-11-21T12:00:00Z');
    expect(sent.map((m) => m.request.repositories)).toEqual([['registry.example/team/api']]);
    const quietState = createMemoryStateStore();
    for (const name of ['web', 'api']) {
      await quietState.write(
        'repository',
        `registry.example/team/${name}`,
        { canonicalName: name, lastScanTime: '2026-11-21T11:30:00Z' },
        0,
      );
    }
    await quietState.write('automation', 'apps/fleet', { lastRunTime: '2026-11-21T11:30:00Z' }, 0);
    expect((await run(quietState, '2026-11-21T11:50:00Z')).sent).toEqual([]);
  });

  it('queues an automation whose own interval elapsed even when no repository is due', async () => {
    const state = createMemoryStateStore();
    for (const name of ['web', 'api']) {
      await state.write(
        'repository',
        `registry.example/team/${name}`,
        { canonicalName: name, lastScanTime: '2026-11-21T11:50:00Z' },
        0,
      );
    }
    await state.write('automation', 'apps/fleet', { lastRunTime: '2026-11-21T11:00:00Z' }, 0);
    const { sent } = await run(state);
    expect(sent.map((m) => m.request)).toEqual([
      expect.objectContaining({ automation: 'apps/fleet', repositories: [] }),
    ]);
  });

  it('gives a retried schedule the same deduplication id within the minute', async () => {
    const a = await run(undefined, '2026-11-21T12:00:05Z');
    const b = await run(undefined, '2026-11-21T12:00:50Z');
    expect(a.sent[0]?.deduplicationId).toBe(b.sent[0]?.deduplicationId);
  });

  it('with all: one message per automation, whatever is due', async () => {
    const state = createMemoryStateStore();
    await state.write('automation', 'apps/fleet', { lastRunTime: '2026-11-21T11:59:59Z' }, 0);
    const { sent } = await run(state, '2026-11-21T12:00:00Z', true);
    expect(sent).toHaveLength(1);
  });
});
