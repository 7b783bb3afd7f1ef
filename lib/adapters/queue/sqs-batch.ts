import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { type AppError, toAppError } from '../../domain/errors.ts';
import { foldByAutomation, type SettlePolicy, settleDefaults, settleRun } from '../../domain/settle-work.ts';
import type { ReconcileRequest } from '../../domain/work.ts';
import type { Logger } from '../../ports/logger.ts';
import { parseSqsMessageBody } from './sqs-message.ts';

/**
 * The worker's side of the SQS FIFO queue: one Lambda batch → reconcile runs → `batchItemFailures`
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting).
 *
 * - Records are grouped by `MessageGroupId` (repository + branch: one writer per branch); groups run
 *   side by side (at most `groupConcurrency`), the runs of one group one after another.
 * - Inside a group, the messages of one automation fold into ONE run (foldByAutomation), in the order
 *   of their first message: a burst of pushes becomes one commit.
 * - What becomes of a run's messages is settleRun's answer (domain/settle-work.ts), the same one the
 *   local queue gets. `ack`: the messages are acknowledged (success, or a failure for good that
 *   reconcileAutomation recorded as the automation's `lastError`). `retry` and `dead-letter`: the
 *   messages are reported failed; the group stops there, and every later message of the group is
 *   reported failed too — the FIFO rule of Powertools' SqsFifoPartialProcessor — so SQS redelivers
 *   them in order after the visibility timeout, and after `maxReceiveCount` receives
 *   (infra/work-queue.yml; `dead-letter` is the last one) moves them to the DLQ (an alarm watches it).
 *   The attempt is the record's `ApproximateReceiveCount`.
 * - A body that is not a reconcile request is logged and acknowledged (dropped).
 */
export const sqsBatchDefaults = Object.freeze({ groupConcurrency: 4 });

export interface SettleSqsBatchDeps {
  /** One reconcile run (the use case, composed by the runtime). */
  readonly run: (request: ReconcileRequest) => Promise<unknown>;
  readonly logger: Logger;
  /** Called once per failed run or dropped message (metrics). */
  readonly onError?: (error: AppError, disposition: 'retry' | 'dead-letter' | 'recorded' | 'dropped') => void;
  readonly groupConcurrency?: number;
  /** Must agree with the queue's redrive policy (settleDefaults does). */
  readonly settle?: SettlePolicy;
  readonly random?: () => number;
}

interface Parsed {
  readonly position: number;
  readonly request: ReconcileRequest;
}

const groupsOf = (records: readonly SQSRecord[]): Map<string, number[]> => {
  const groups = new Map<string, number[]>();
  records.forEach((record, position) => {
    // A standard queue has no groups: the whole batch is then one ordered group, which is safe.
    const group = record.attributes?.MessageGroupId ?? '';
    groups.set(group, [...(groups.get(group) ?? []), position]);
  });
  return groups;
};

export const settleSqsBatch = async (
  records: readonly SQSRecord[],
  deps: SettleSqsBatchDeps,
): Promise<SQSBatchResponse> => {
  const { groupConcurrency } = { ...sqsBatchDefaults, ...deps };
  const policy = deps.settle ?? settleDefaults;
  const settleDeps = { random: deps.random ?? Math.random };
  const failed = new Set<number>();

  function parseGroup(positions: readonly number[]): Parsed[] {
    const parsed: Parsed[] = [];
    for (const position of positions) {
      const record = records[position] as SQSRecord;
      try {
        parsed.push({ position, request: parseSqsMessageBody(record.body) });
      } catch (error) {
        const appError = toAppError(error);
        deps.logger.warn('message dropped: not a reconcile request', {
          messageId: record.messageId,
          reason: appError.message,
        });
        deps.onError?.(appError, 'dropped');
      }
    }
    return parsed;
  }

  const receiveCount = (position: number): number => {
    const count = Number(records[position]?.attributes?.ApproximateReceiveCount);
    return Number.isInteger(count) && count > 0 ? count : 1;
  };

  async function settleGroup(group: string, positions: readonly number[]): Promise<void> {
    const folds = foldByAutomation(parseGroup(positions), (p) => p.request);
    for (const [index, fold] of folds.entries()) {
      const attempt = Math.max(...fold.items.map((p) => receiveCount(p.position)));
      const error = await deps.run(fold.request).then(
        () => undefined,
        (thrown: unknown) => toAppError(thrown),
      );
      const decision = settleRun({ automation: fold.request.automation, attempt, error }, settleDeps, policy);
      if (decision.action === 'ack') {
        if (error) {
          deps.onError?.(error, 'recorded');
          deps.logger.warn('run failed for good; messages acknowledged', fields(group, fold, error, attempt));
        }
        continue;
      }
      // settleRun acknowledges every success: a retry or a dead letter always has its error.
      const appError = error as AppError;
      deps.onError?.(appError, decision.action);
      if (decision.action === 'retry')
        deps.logger.warn('run failed; messages go back to the queue', fields(group, fold, appError, attempt));
      else
        deps.logger.error('run failed for the last time; SQS moves its messages to the dead-letter queue', {
          ...fields(group, fold, appError, attempt),
          deadLetter: decision.record,
        });
      for (const rest of folds.slice(index)) for (const p of rest.items) failed.add(p.position);
      // FIFO: nothing of this group after the first failed message may be acknowledged.
      const first = Math.min(...fold.items.map((p) => p.position));
      for (const p of positions) if (p > first) failed.add(p);
      return;
    }
  }

  const fields = (
    group: string,
    fold: { request: ReconcileRequest; items: readonly Parsed[] },
    error: AppError,
    attempt: number,
  ) => ({
    group,
    automation: fold.request.automation,
    attempt,
    messageIds: fold.items.map((p) => records[p.position]?.messageId),
    error: { code: error.code, message: error.message },
  });

  const pending = [...groupsOf(records).entries()];
  const workers = Array.from({ length: Math.min(groupConcurrency, pending.length) }, async () => {
    for (let next = pending.shift(); next; next = pending.shift()) await settleGroup(...next);
  });
  await Promise.all(workers);
  return {
    batchItemFailures: [...failed]
      .sort((a, b) => a - b)
      .map((p) => ({ itemIdentifier: records[p]?.messageId ?? '' })),
  };
};
