import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { settleSqsBatch } from '../../../lib/adapters/queue/sqs-batch.ts';
import { encodeSqsMessageBody } from '../../../lib/adapters/queue/sqs-message.ts';
import { ConflictError } from '../../../lib/domain/errors.ts';
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
