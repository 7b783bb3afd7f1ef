import type { ScheduledEvent } from 'aws-lambda';
import { type AwsAdapterChoice, sqsQueue } from './_aws-adapters.ts';
import { type FunctionCore, withStandardMiddleware } from './_middleware.ts';

/**
 * The schedule (EventBridge `rate(...)`): one reconcile message per automation, so a missed webhook or
 * ECR event (EventBridge delivers those "on a best effort basis") is healed within one period. Each run
 * still re-lists only the repositories whose interval elapsed; the message's deduplication id is per
 * automation and minute, so a retried schedule queues nothing twice.
 */
export interface SweepResult {
  readonly queued: number;
}

export const sweepAll: FunctionCore<ScheduledEvent, SweepResult> = async (_event, runtime) => ({
  queued: (await runtime.sweep()).length,
});

/** The queue only. */
export const adapters: AwsAdapterChoice = { queue: sqsQueue };

export const handler = withStandardMiddleware(sweepAll, { kind: 'event', adapters });
