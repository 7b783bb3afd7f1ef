import { InvalidInputError } from '../../domain/errors.ts';
import type { ReconcileReason, ReconcileRequest } from '../../domain/work.ts';

/**
 * The body of one SQS message: the ReconcileRequest as JSON. The worker parses it back with
 * `parseSqsMessageBody`, which trusts nothing (a message may come from an older deployment, a manual
 * `aws sqs send-message`, or a redrive from the DLQ) and refuses anything malformed with
 * InvalidInputError: such a message is dropped, never retried.
 */

const REASONS: ReadonlySet<string> = new Set<ReconcileReason>(['event', 'sweep', 'manual']);

/** Serialises a request; only the fields of ReconcileRequest, in a stable order. */
export const encodeSqsMessageBody = (request: ReconcileRequest): string =>
  JSON.stringify({
    automation: request.automation,
    repositories: request.repositories,
    reason: request.reason,
    deliveryIds: request.deliveryIds,
    triggeredAt: request.triggeredAt,
  });

const refuse = (problem: string): never => {
  throw new InvalidInputError(`SQS message body is not a reconcile request: ${problem}`, {
    data: { problem },
  });
};

const stringList = (value: unknown, field: string): string[] => {
  if (!Array.isArray(value)) return refuse(`"${field}" must be an array of strings`);
  if (!value.every((item) => typeof item === 'string')) return refuse(`"${field}" must hold strings only`);
  return [...value];
};

/** Parses and validates an SQS record body into a ReconcileRequest. */
export const parseSqsMessageBody = (body: string): ReconcileRequest => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return refuse('not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return refuse('not a JSON object');
  }
  const fields = parsed as Record<string, unknown>;
  const { automation, reason, triggeredAt } = fields;
  if (typeof automation !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(automation)) {
    return refuse('"automation" must be "<namespace>/<name>"');
  }
  if (typeof reason !== 'string' || !REASONS.has(reason)) {
    return refuse('"reason" must be one of event, sweep, manual');
  }
  if (typeof triggeredAt !== 'string' || Number.isNaN(Date.parse(triggeredAt))) {
    return refuse('"triggeredAt" must be an ISO-8601 time');
  }
  return {
    automation,
    repositories: stringList(fields.repositories, 'repositories'),
    reason: reason as ReconcileReason,
    deliveryIds: stringList(fields.deliveryIds, 'deliveryIds'),
    triggeredAt,
  };
};
