/**
 * The units of work that flow from triggers (webhooks, ECR events, schedules) to the worker.
 * Pure data plus the merge rule that folds a burst of events into one run.
 */

/** What a registry notification tells us: a hint of which repository to re-check, never the truth. */
export interface RegistryEvent {
  /** Registry host (with port) as the sender reported it. */
  readonly registry: string;
  /** Repository path inside the registry, e.g. `team/app`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** The sender's delivery or event id: replays carry the same id. */
  readonly deliveryId: string;
  /** Which receiver accepted it (`namespace/name`), or the event source (e.g. `aws.ecr`). */
  readonly source: string;
  /** When the registry says the push happened (ISO-8601), for push-to-commit latency. */
  readonly pushedAt?: string;
}

export type ReconcileReason = 'event' | 'sweep' | 'manual';

/** Run one ImageUpdateAutomation, re-scanning the named repositories first. */
export interface ReconcileRequest {
  /** `namespace/name` of the ImageUpdateAutomation. */
  readonly automation: string;
  /** Canonical image names (`registry/repository`) whose tags must be listed again. */
  readonly repositories: readonly string[];
  readonly reason: ReconcileReason;
  /** Deliveries folded into this request (for logs and latency). */
  readonly deliveryIds: readonly string[];
  /** Earliest time any folded trigger happened (ISO-8601): the start of push-to-commit latency. */
  readonly triggeredAt: string;
}

const REASON_RANK: Readonly<Record<ReconcileReason, number>> = { sweep: 0, event: 1, manual: 2 };

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])].sort();

/** Folds `b` into `a` (same automation): one run then does the work of both. */
export const mergeReconcileRequests = (a: ReconcileRequest, b: ReconcileRequest): ReconcileRequest => ({
  automation: a.automation,
  repositories: union(a.repositories, b.repositories),
  reason: REASON_RANK[b.reason] > REASON_RANK[a.reason] ? b.reason : a.reason,
  deliveryIds: union(a.deliveryIds, b.deliveryIds),
  // ISO-8601 strings in UTC sort chronologically.
  triggeredAt: [a.triggeredAt, b.triggeredAt].sort()[0] ?? a.triggeredAt,
});
