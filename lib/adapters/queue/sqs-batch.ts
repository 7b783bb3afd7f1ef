import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { type AppError, toAppError } from '../../domain/errors.ts';
import { mergeReconcileRequests, type ReconcileRequest } from '../../domain/work.ts';
import type { Logger } from '../../ports/logger.ts';
import { parseSqsMessageBody } from './sqs-message.ts';

/**
 * The worker's side of the SQS FIFO queue: one Lambda batch → reconcile runs → `batchItemFailures`
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting).
 *
 * - Records are grouped by `MessageGroupId` (repository + branch: one writer per branch); groups run
 *   side by side (at most `groupConcurrency`), the runs of one group one after another.
 * - Inside a group, the messages of one automation fold into ONE run (mergeReconcileRequests), in the
 *   order of their first message: a burst of pushes becomes one commit.
 * - A run that fails with a retryable error (Upstream, Conflict) or a bug (Internal) fails its messages;
 *   the group stops there, and every later message of the group is reported failed too — the FIFO rule
 *   of Powertools' SqsFifoPartialProcessor — so SQS redelivers them in order and, after
 *   `maxReceiveCount`, moves them to the DLQ (an alarm watches it).
 * - A run that fails for good (invalid configuration, auth, not found) has already been recorded as the
 *   automation's `lastError` by reconcileAutomation: redelivery cannot help, so its messages are
 *   acknowledged. A body that is not a reconcile request is logged and acknowledged (dropped).
 */
export const sqsBatchDefaults = Object.freeze({ groupConcurrency: 4 });

export interface SettleSqsBatchDeps {
  /** One reconcile run (the use case, composed by the runtime). */
  readonly run: (request: ReconcileRequest) => Promise<unknown>;
  readonly logger: Logger;
  /** Called once per failed run or dropped message (metrics). */
  readonly onError?: (error: AppError, disposition: 'retry' | 'recorded' | 'dropped') => void;
  readonly groupConcurrency?: number;
}

interface Fold {
  request: ReconcileRequest;
  readonly positions: number[];
}

/** Errors worth another delivery: transient ones, and bugs (so they reach the DLQ and its alarm). */
const redeliver = (error: AppError) => error.retryable || error.code === 'Internal';

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
  const failed = new Set<number>();

  function foldGroup(positions: readonly number[]): Fold[] {
    const folds = new Map<string, Fold>();
    for (const position of positions) {
      const record = records[position] as SQSRecord;
      let request: ReconcileRequest;
      try {
        request = parseSqsMessageBody(record.body);
      } catch (error) {
        const appError = toAppError(error);
        deps.logger.warn('message dropped: not a reconcile request', {
          messageId: record.messageId,
          reason: appError.message,
        });
        deps.onError?.(appError, 'dropped');
        continue;
      }
      const fold = folds.get(request.automation);
      if (fold) {
        fold.request = mergeReconcileRequests(fold.request, request);
        fold.positions.push(position);
      } else folds.set(request.automation, { request, positions: [position] });
    }
    return [...folds.values()];
  }

  async function settleGroup(group: string, positions: readonly number[]): Promise<void> {
    const folds = foldGroup(positions);
    for (const [index, fold] of folds.entries()) {
      try {
        await deps.run(fold.request);
      } catch (error) {
        const appError = toAppError(error);
        const retry = redeliver(appError);
        deps.onError?.(appError, retry ? 'retry' : 'recorded');
        const fields = {
          group,
          automation: fold.request.automation,
          messageIds: fold.positions.map((p) => records[p]?.messageId),
          error: { code: appError.code, message: appError.message },
        };
        if (!retry) {
          deps.logger.warn('run failed for good; messages acknowledged', fields);
          continue;
        }
        deps.logger.warn('run failed; messages go back to the queue', fields);
        for (const rest of folds.slice(index)) for (const p of rest.positions) failed.add(p);
        // FIFO: nothing of this group after the first failed message may be acknowledged.
        const first = fold.positions.reduce((least, p) => Math.min(least, p), Number.POSITIVE_INFINITY);
        for (const p of positions) if (p > first) failed.add(p);
        return;
      }
    }
  }

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
