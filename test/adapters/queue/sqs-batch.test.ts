import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { settleSqsBatch } from '../../../lib/adapters/queue/sqs-batch.ts';
import { encodeSqsMessageBody } from '../../../lib/adapters/queue/sqs-message.ts';
import { AuthError, ConflictError, InternalError } from '../../../lib/domain/errors.ts';
import type { ReconcileRequest } from '../../../lib/domain/work.ts';
import { silentLogger } from '../../../lib/ports/logger.ts';

const request = (automation: string, triggeredAt: string): ReconcileRequest => ({
  automation,
  repositories: [`r.test/${automation.split('/')[1]}`],
  reason: 'event',
  deliveryIds: [triggeredAt],
  triggeredAt,
});

const record = (id: string, body: ReconcileRequest, group?: string): SQSRecord =>
  ({
    messageId: id,
    body: encodeSqsMessageBody(body),
    attributes: group ? { MessageGroupId: group } : {},
  }) as SQSRecord;

describe('settleSqsBatch', () => {
  it('answers with settleRun: a bug is retried, and its last receive logged as a dead letter', async () => {
    const at = (count: number) =>
      ({
        ...record(`m${count}`, request('a/x', '2026-11-21T10:00:00.000Z'), 'g'),
        attributes: { MessageGroupId: 'g', ApproximateReceiveCount: String(count) },
      }) as SQSRecord;
    const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
    const logger = {
      ...silentLogger,
      warn: (message: string, fields?: Record<string, unknown>) =>
        void lines.push({ level: 'warn', message, fields }),
      error: (message: string, fields?: Record<string, unknown>) =>
        void lines.push({ level: 'error', message, fields }),
    };
    const dispositions: string[] = [];
    const deps = {
      run: async () => {
        throw new InternalError('bug');
      },
      logger,
      onError: (_: unknown, disposition: string) => void dispositions.push(disposition),
      random: () => 0,
    };
    for (const count of [1, 4, 5]) {
      expect((await settleSqsBatch([at(count)], deps)).batchItemFailures).toEqual([
        { itemIdentifier: `m${count}` },
      ]);
    }
    expect(dispositions).toEqual(['retry', 'retry', 'dead-letter']);
    expect(lines.at(-1)).toMatchObject({
      level: 'error',
      fields: {
        deadLetter: { automation: 'a/x', attempts: 5, lastError: { code: 'Internal', message: 'bug' } },
      },
    });
  });

  it('acknowledges a failure for good at any receive count', async () => {
    const result = await settleSqsBatch([record('1', request('a/x', '2026-11-21T10:00:00.000Z'), 'g')], {
      run: async () => {
        throw new AuthError('denied');
      },
      logger: silentLogger,
    });
    expect(result.batchItemFailures).toEqual([]);
  });

  it('merges the folded requests: union of repositories and deliveries, the earliest trigger', async () => {
    const runs: ReconcileRequest[] = [];
    await settleSqsBatch(
      [
        record('1', request('a/x', '2026-11-21T10:00:02.000Z'), 'g'),
        record('2', request('a/x', '2026-11-21T10:00:01.000Z'), 'g'),
      ],
      { run: async (r) => runs.push(r), logger: silentLogger },
    );
    expect(runs).toEqual([
      {
        automation: 'a/x',
        repositories: ['r.test/x'],
        reason: 'event',
        deliveryIds: ['2026-11-21T10:00:01.000Z', '2026-11-21T10:00:02.000Z'],
        triggeredAt: '2026-11-21T10:00:01.000Z',
      },
    ]);
  });

  it('treats a batch from a standard queue (no groups) as one ordered group', async () => {
    const result = await settleSqsBatch(
      [
        record('1', request('a/x', '2026-11-21T10:00:00.000Z')),
        record('2', request('b/y', '2026-11-21T10:00:00.000Z')),
      ],
      {
        run: async (r) => {
          if (r.automation === 'a/x') throw new ConflictError('push raced too often');
        },
        logger: silentLogger,
      },
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1' }, { itemIdentifier: '2' }]);
  });

  it('runs different groups side by side, at most groupConcurrency at a time', async () => {
    let running = 0;
    let peak = 0;
    const records = ['g1', 'g2', 'g3', 'g4'].map((g, i) =>
      record(String(i), request(`${g}/x`, '2026-11-21T10:00:00.000Z'), g),
    );
    await settleSqsBatch(records, {
      run: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running--;
      },
      logger: silentLogger,
      groupConcurrency: 2,
    });
    expect(peak).toBe(2);
  });
});
