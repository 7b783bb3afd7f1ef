import { resolveGitTarget } from '../domain/flux/git-target.ts';
import { repositoriesForEvent } from '../domain/flux/receiver-scope.ts';
import { automationsForRepositories, gitRepositoryOf } from '../domain/flux/scope.ts';
import type { FluxConfig, ImageRepository, ImageUpdateAutomation } from '../domain/flux/types.ts';
import { redactUrl } from '../domain/redact-url.ts';
import { mergeReconcileRequests, type ReconcileRequest, type RegistryEvent } from '../domain/work.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Queue, QueueMessage } from '../ports/queue.ts';
import type { StateStore } from '../ports/state-store.ts';

/**
 * A verified webhook's events → the automations they concern → queued reconcile requests.
 *
 * The payload only chooses what to re-check (tags and digests always come from the registry).
 * Each delivery id is admitted once: a replay is answered as accepted and causes no work. The
 * delivery is remembered only after its work is durably queued, so a sender's retry after a
 * refusal or a crash is never mistaken for a replay — no event is lost, and none is doubled (the
 * queue deduplicates, and a reconcile with nothing new commits nothing).
 */
export interface IngestDeps {
  readonly config: FluxConfig;
  readonly state: StateStore;
  readonly queue: Queue;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface IngestInput {
  readonly events: readonly RegistryEvent[];
  /**
   * What the events may re-check. A Receiver's resources: exactly those (none = nothing: an empty
   * selector never widens to other objects, rule 12). `'every-with-image'` only for ECR's
   * EventBridge push events, which no Receiver scopes: every ImageRepository whose image is the
   * pushed one by canonical name, in any namespace.
   */
  readonly repositories: readonly ImageRepository[] | 'every-with-image';
}

export interface IngestOutcome {
  /** Events that led to queued work. */
  readonly accepted: number;
  /** Replays of deliveries already admitted. */
  readonly duplicates: number;
  /** Events about repositories no automation watches. */
  readonly unmatched: number;
  readonly queued: number;
}

const automationKey = (automation: ImageUpdateAutomation) =>
  `${automation.metadata.namespace}/${automation.metadata.name}`;

/** One writer per Git repository and push branch (the SQS FIFO message group). */
export const groupIdFor = (config: FluxConfig, automation: ImageUpdateAutomation): string => {
  const git = gitRepositoryOf(config, automation);
  const target = resolveGitTarget(automation, git);
  const url = git
    ? redactUrl(git.spec.url)
    : `missing:${automation.spec.sourceRef.namespace}/${automation.spec.sourceRef.name}`;
  return `${url}#${target.ok ? target.value.pushBranch : ''}`;
};

/** Queue messages that reconcile `automation` after a change to `repositories`. */
export const reconcileMessage = (
  config: FluxConfig,
  automation: ImageUpdateAutomation,
  request: Omit<ReconcileRequest, 'automation'>,
  deduplicationId: string,
): QueueMessage => ({
  groupId: groupIdFor(config, automation),
  deduplicationId,
  request: { automation: automationKey(automation), ...request },
});

interface MatchedEvent {
  readonly event: RegistryEvent;
  readonly canonicalNames: readonly string[];
  readonly automations: ReadonlyMap<string, ImageUpdateAutomation>;
}

/**
 * One message per automation for all the fresh events of a request (its deliveries merged), so a
 * request costs one durable queue write per automation, not one per event and automation. The
 * deduplication id names every delivery it carries: the same request retried is the same message.
 */
const batchMessages = (config: FluxConfig, fresh: readonly MatchedEvent[], clock: Clock): QueueMessage[] => {
  const byAutomation = new Map<string, { automation: ImageUpdateAutomation; request: ReconcileRequest }>();
  for (const { event, canonicalNames, automations } of fresh) {
    const triggeredAt =
      event.pushedAt && !Number.isNaN(Date.parse(event.pushedAt))
        ? new Date(event.pushedAt).toISOString()
        : clock.now().toISOString();
    for (const [key, automation] of automations) {
      const request: ReconcileRequest = {
        automation: key,
        repositories: canonicalNames,
        reason: 'event',
        deliveryIds: [event.deliveryId],
        triggeredAt,
      };
      const entry = byAutomation.get(key);
      if (entry) entry.request = mergeReconcileRequests(entry.request, request);
      else byAutomation.set(key, { automation, request });
    }
  }
  return [...byAutomation.values()].map(({ automation, request }) => {
    const { automation: _, ...rest } = request;
    return reconcileMessage(
      config,
      automation,
      rest,
      `${[...request.deliveryIds].sort().join(',')}:${automationKey(automation)}`,
    );
  });
};

export const ingestHook = async (deps: IngestDeps, input: IngestInput): Promise<IngestOutcome> => {
  const { config, state, queue, clock, logger } = deps;
  const scoped = input.repositories !== 'every-with-image';
  const candidates = scoped ? input.repositories : config.imageRepositories;
  let duplicates = 0;
  let unmatched = 0;
  const matched: MatchedEvent[] = [];
  for (const event of input.events) {
    const repositories = repositoriesForEvent(candidates, event, { matchPathOnly: scoped });
    const canonicalNames = [...new Set(repositories.map((r) => r.spec.imageName.canonical))];
    const automations = new Map<string, ImageUpdateAutomation>();
    for (const automation of automationsForRepositories(config, repositories)) {
      if (!automation.spec.suspend) automations.set(automationKey(automation), automation);
    }
    if (automations.size === 0) {
      unmatched++;
      logger.info('event matches no automation', {
        deliveryId: event.deliveryId,
        registry: event.registry,
        repository: event.repository,
        tag: event.tag,
      });
      continue;
    }
    matched.push({ event, canonicalNames, automations });
  }
  // The reads of one request run together; the events it carries are capped at the edge.
  const seen = await Promise.all(matched.map(({ event }) => state.hasDelivery(event.deliveryId)));
  const fresh: MatchedEvent[] = [];
  const inRequest = new Set<string>();
  matched.forEach((entry, i) => {
    if (seen[i] || inRequest.has(entry.event.deliveryId)) {
      duplicates++;
      logger.info('replayed delivery ignored', { deliveryId: entry.event.deliveryId });
      return;
    }
    inRequest.add(entry.event.deliveryId);
    fresh.push(entry);
  });
  if (fresh.length === 0) return { accepted: 0, duplicates, unmatched, queued: 0 };
  const messages = batchMessages(config, fresh, clock);
  // Queued (durably) first, remembered second. The other order lost the event when the process
  // died in between: the sender's retry was taken for a replay of work that was never queued.
  // Now a crash in between leaves the deliveries unremembered, and a retry is queued again — the
  // queue drops a message it still holds (same deduplication id), a finished one re-runs to no change.
  await queue.send(messages);
  const remembered = await Promise.all(fresh.map(({ event }) => state.rememberDelivery(event.deliveryId)));
  let accepted = 0;
  fresh.forEach(({ event, automations }, i) => {
    if (!remembered[i]) {
      // A concurrent delivery of the same id was remembered first: its work is queued; ours is dropped
      // by the queue (same deduplication id) or, if that run already ended, re-runs to no change.
      duplicates++;
      logger.info('replayed delivery ignored', { deliveryId: event.deliveryId });
      return;
    }
    accepted++;
    logger.info('event queued', {
      deliveryId: event.deliveryId,
      registry: event.registry,
      repository: event.repository,
      tag: event.tag,
      automations: [...automations.keys()],
    });
  });
  return { accepted, duplicates, unmatched, queued: accepted > 0 ? messages.length : 0 };
};
