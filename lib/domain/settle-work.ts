import { type BackoffPolicy, backoff } from './backoff.ts';
import { type AppErrorCode, toAppError } from './errors.ts';
import { mergeReconcileRequests, type ReconcileRequest } from './work.ts';

/**
 * What becomes of queued work once its run has finished (ARCHITECTURE.md, rule 11: one decision, one
 * place). A pure decision, so it lives in the domain, where both queue adapters may import it (an
 * adapter imports ports and domain only). Both queues ask these functions and only translate the answer: the local queue
 * (local-queue.ts) deletes, re-schedules or moves files to `dead/`; the Lambda worker (sqs-batch.ts)
 * acknowledges or reports `batchItemFailures`, and SQS's redrive policy moves them to the DLQ.
 *
 * - A run that succeeded is acknowledged.
 * - A run that failed for good (invalid configuration, auth, not found, invalid input) is acknowledged:
 *   reconcileAutomation has recorded the error as the automation's `lastError`, and another delivery
 *   cannot help.
 * - A run that failed with a transient error (Upstream, Conflict) or a bug (Internal, and anything
 *   that is not an AppError) is retried after `backoff`; after `maxAttempts` deliveries it is
 *   dead-lettered with a record (automation, last error, attempts), so it stays in view — the DLQ and
 *   its alarm on Lambda, `dead/` and `status` locally — until someone re-drives it.
 */
export interface SettlePolicy {
  /** Deliveries in all, the first included: SQS's `maxReceiveCount`. */
  readonly maxAttempts: number;
  /** The wait before the next delivery (the local queue; SQS waits out its visibility timeout). */
  readonly backoff: BackoffPolicy;
}

export const settleDefaults: SettlePolicy = Object.freeze({
  /** infra/work-queue.yml, `RedrivePolicy.maxReceiveCount` (a test holds them equal). */
  maxAttempts: 5,
  // Waits of 5–10 s, 10–20 s, 20–40 s and 40–80 s: an outage of a minute or two is ridden out before
  // a dead letter (locally; on Lambda the wait is the queue's visibility timeout, 6 min).
  backoff: Object.freeze({ baseMs: 10_000, maxMs: 5 * 60_000 }),
});

/** What a dead letter says about itself: enough to know what to fix before re-driving it. */
export interface DeadLetterRecord {
  readonly automation: string;
  readonly attempts: number;
  readonly lastError: { readonly code: AppErrorCode; readonly message: string };
}

export type SettleDecision =
  | { readonly action: 'ack'; readonly outcome: 'succeeded' | 'failed-for-good' }
  | { readonly action: 'retry'; readonly delayMs: number }
  | { readonly action: 'dead-letter'; readonly record: DeadLetterRecord };

export interface SettleInput {
  readonly automation: string;
  /** The 1-based delivery that just ran (SQS: `ApproximateReceiveCount`). */
  readonly attempt: number;
  /** What the run threw; absent when it succeeded. */
  readonly error?: unknown;
}

export interface SettleDeps {
  /** In [0, 1): the backoff's jitter. */
  readonly random: () => number;
}

/** Transient failures, and bugs: a bug must reach the dead letters (and an alarm), not vanish. */
export const worthRedelivering = (code: AppErrorCode, retryable: boolean): boolean =>
  retryable || code === 'Internal';

export const settleRun = (
  input: SettleInput,
  deps: SettleDeps,
  policy: SettlePolicy = settleDefaults,
): SettleDecision => {
  if (input.error === undefined) return { action: 'ack', outcome: 'succeeded' };
  const error = toAppError(input.error);
  if (!worthRedelivering(error.code, error.retryable)) return { action: 'ack', outcome: 'failed-for-good' };
  if (input.attempt < policy.maxAttempts)
    return { action: 'retry', delayMs: backoff(policy.backoff, input.attempt, deps.random) };
  return {
    action: 'dead-letter',
    record: {
      automation: input.automation,
      attempts: input.attempt,
      lastError: { code: error.code, message: error.message },
    },
  };
};

/** One run's worth of queued work: the items (messages) of one automation, folded into one request. */
export interface Fold<T> {
  readonly request: ReconcileRequest;
  readonly items: readonly T[];
}

/**
 * Folds messages per automation (mergeReconcileRequests), in the order of each automation's first
 * message: a burst of pushes becomes one run, and so one commit.
 */
export const foldByAutomation = <T>(
  items: Iterable<T>,
  requestOf: (item: T) => ReconcileRequest,
): Array<Fold<T>> => {
  const folds = new Map<string, { request: ReconcileRequest; items: T[] }>();
  for (const item of items) {
    const request = requestOf(item);
    const fold = folds.get(request.automation);
    if (fold) {
      fold.request = mergeReconcileRequests(fold.request, request);
      fold.items.push(item);
    } else folds.set(request.automation, { request, items: [item] });
  }
  return [...folds.values()];
};
