import { resolveGitTarget } from '../domain/flux/git-target.ts';
import { repositoriesForEvent } from '../domain/flux/receiver-scope.ts';
import { automationsForRepositories, gitRepositoryOf } from '../domain/flux/scope.ts';
import type { FluxConfig, ImageRepository, ImageUpdateAutomation } from '../domain/flux/types.ts';
import { redactUrl } from '../domain/redact-url.ts';
import type { ReconcileRequest, RegistryEvent } from '../domain/work.ts';
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

export const ingestHook = async (deps: IngestDeps, input: IngestInput): Promise<IngestOutcome> => {
  const { config, state, queue, clock, logger } = deps;
  const scoped = input.repositories !== 'every-with-image';
  const candidates = scoped ? input.repositories : config.imageRepositories;
  let accepted = 0;
  let duplicates = 0;
  let unmatched = 0;
  let queued = 0;
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
    if (await state.hasDelivery(event.deliveryId)) {
      duplicates++;
      logger.info('replayed delivery ignored', { deliveryId: event.deliveryId });
      continue;
    }
    const triggeredAt =
      event.pushedAt && !Number.isNaN(Date.parse(event.pushedAt))
        ? new Date(event.pushedAt).toISOString()
        : clock.now().toISOString();
    const messages = [...automations.values()].map((automation) =>
      reconcileMessage(
        config,
        automation,
        { repositories: canonicalNames, reason: 'event', deliveryIds: [event.deliveryId], triggeredAt },
        `${event.deliveryId}:${automationKey(automation)}`,
      ),
    );
    // Queued (durably) first, remembered second. The other order lost the event when the process
    // died in between: the sender's retry was taken for a replay of work that was never queued.
    // Now a crash in between leaves the delivery unremembered, and its retry is queued again — the
    // queue drops a message it still holds (same deduplication id), a finished one re-runs to no change.
    await queue.send(messages);
    if (!(await state.rememberDelivery(event.deliveryId))) {
      // A concurrent delivery of the same id was remembered first: its work is queued; ours is dropped
      // by the queue (same deduplication id) or, if that run already ended, re-runs to no change.
      duplicates++;
      logger.info('replayed delivery ignored', { deliveryId: event.deliveryId });
      continue;
    }
    accepted++;
    queued += messages.length;
    logger.info('event queued', {
      deliveryId: event.deliveryId,
      registry: event.registry,
      repository: event.repository,
      tag: event.tag,
      automations: [...automations.keys()],
    });
  }
  return { accepted, duplicates, unmatched, queued };
};
