import type { EventBridgeEvent } from 'aws-lambda';
import { parseEcrImageAction } from '../lib/adapters/webhooks/ecr-image-action.ts';
import type { IngestOutcome } from '../lib/app/ingest-hook.ts';
import { type AwsAdapterChoice, dynamoDbDeliveries, sqsQueue } from './_aws-adapters.ts';
import { type FunctionCore, withStandardMiddleware } from './_middleware.ts';

/**
 * EventBridge `ECR Image Action` (rule: source aws.ecr, action-type PUSH, result SUCCESS) → the same
 * ingestion as a webhook. Untagged pushes (platform children of an index, attestations) and anything
 * else the rule should not have sent are ignored; the event id is the delivery id, so EventBridge's
 * at-least-once redelivery causes no second run.
 */
export type EcrEventResult = IngestOutcome | { readonly ignored: 1 };

export const ecrEvent: FunctionCore<EventBridgeEvent<string, unknown>, EcrEventResult> = async (
  event,
  runtime,
) => {
  const push = parseEcrImageAction(event);
  if (!push) {
    runtime.logger.info('ECR event ignored', { eventId: event.id, detailType: event['detail-type'] });
    return { ignored: 1 };
  }
  return runtime.ingest({ events: [push], repositories: 'every-with-image' });
};

/** Delivery ids and the queue. */
export const adapters: AwsAdapterChoice = { state: dynamoDbDeliveries, queue: sqsQueue };

export const handler = withStandardMiddleware(ecrEvent, { kind: 'event', adapters });
