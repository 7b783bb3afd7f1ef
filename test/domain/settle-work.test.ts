import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ConflictError,
  InternalError,
  InvalidConfigError,
  InvalidInputError,
  NotFoundError,
  UpstreamError,
} from '../../lib/domain/errors.ts';
import { foldByAutomation, settleDefaults, settleRun } from '../../lib/domain/settle-work.ts';
import type { ReconcileRequest } from '../../lib/domain/work.ts';

const deps = { random: () => 0 };
const policy = { maxAttempts: 3, backoff: { baseMs: 100, maxMs: 1_000 } };

describe('settleRun: one answer for both queues', () => {
  it.each([
    ['nothing (success)', undefined, 1, { action: 'ack', outcome: 'succeeded' }],
    ['InvalidConfig', new InvalidConfigError('bad range'), 1, { action: 'ack', outcome: 'failed-for-good' }],
    ['Auth', new AuthError('denied'), 1, { action: 'ack', outcome: 'failed-for-good' }],
    ['NotFound', new NotFoundError('no such tag'), 1, { action: 'ack', outcome: 'failed-for-good' }],
    ['InvalidInput', new InvalidInputError('bad'), 1, { action: 'ack', outcome: 'failed-for-good' }],
    ['Upstream', new UpstreamError('503'), 1, { action: 'retry', delayMs: 50 }],
    ['Conflict', new ConflictError('lost the race'), 2, { action: 'retry', delayMs: 100 }],
    [
      'Internal (a bug)',
      new InternalError('undefined is not a function'),
      1,
      { action: 'retry', delayMs: 50 },
    ],
    ['a plain Error (a bug)', new TypeError('x is undefined'), 2, { action: 'retry', delayMs: 100 }],
  ])('%s at attempt %#', (_, error, attempt, decision) => {
    expect(settleRun({ automation: 'apps/web', attempt, error }, deps, policy)).toEqual(decision);
  });

  it('dead-letters a redeliverable failure at the last attempt, with a record', () => {
    expect(
      settleRun({ automation: 'apps/web', attempt: 3, error: new InternalError('boom') }, deps, policy),
    ).toEqual({
      action: 'dead-letter',
      record: { automation: 'apps/web', attempts: 3, lastError: { code: 'Internal', message: 'boom' } },
    });
    expect(
      settleRun({ automation: 'apps/web', attempt: 9, error: new UpstreamError('503') }, deps, policy).action,
    ).toBe('dead-letter');
    // A failure for good is acknowledged even at the last attempt: it is recorded on the automation.
    expect(
      settleRun({ automation: 'apps/web', attempt: 3, error: new AuthError('denied') }, deps, policy).action,
    ).toBe('ack');
  });

  it('gives up after as many deliveries as the SQS redrive policy (infra/work-queue.yml)', async () => {
    const yml = await readFile(new URL('../../infra/work-queue.yml', import.meta.url), 'utf8');
    expect(Number(/maxReceiveCount:\s*(\d+)/.exec(yml)?.[1])).toBe(settleDefaults.maxAttempts);
  });
});

describe('foldByAutomation', () => {
  const request = (automation: string, n: number, reason: ReconcileRequest['reason'] = 'event') => ({
    automation,
    repositories: [`registry.local/app-${n}`],
    reason,
    deliveryIds: [`evt-${n}`],
    triggeredAt: `2026-11-21T10:00:0${n}.000Z`,
  });

  it('folds the messages of one automation into one request, in the order of first messages', () => {
    const items = [request('b/two', 1), request('a/one', 2), request('b/two', 3, 'manual')];
    const folds = foldByAutomation(items, (item) => item);
    expect(folds.map((f) => f.request.automation)).toEqual(['b/two', 'a/one']);
    expect(folds[0]?.items).toEqual([items[0], items[2]]);
    expect(folds[0]?.request).toEqual({
      automation: 'b/two',
      repositories: ['registry.local/app-1', 'registry.local/app-3'],
      reason: 'manual',
      deliveryIds: ['evt-1', 'evt-3'],
      triggeredAt: '2026-11-21T10:00:01.000Z',
    });
  });
});
