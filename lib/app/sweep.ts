import { policiesInScope, repositoryOf } from '../domain/flux/scope.ts';
import type { FluxConfig, ImageUpdateAutomation } from '../domain/flux/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Queue, QueueMessage } from '../ports/queue.ts';
import type { StateStore } from '../ports/state-store.ts';
import { reconcileMessage } from './ingest-hook.ts';

/**
 * The schedule's work: each ImageRepository is re-checked on its `interval`, each policy with
 * `digestReflectionPolicy: Always` on its own, and each automation on its `interval`, so a missed
 * webhook is healed within one interval (Flux's polling, without the polling cost in between).
 */
export interface SweepDeps {
  readonly config: FluxConfig;
  readonly state: StateStore;
  readonly queue: Queue;
  readonly clock: Clock;
  readonly logger: Logger;
}

const elapsed = (since: string | undefined, now: Date) =>
  since ? now.getTime() - Date.parse(since) : Number.POSITIVE_INFINITY;
const keyOf = (o: { metadata: { namespace: string; name: string } }) =>
  `${o.metadata.namespace}/${o.metadata.name}`;

/** What is due for one automation: undefined when nothing is. */
const dueRequest = async (deps: SweepDeps, automation: ImageUpdateAutomation, now: Date) => {
  const { config, state } = deps;
  const repositories = new Set<string>();
  let digestsDue = false;
  for (const policy of policiesInScope(config, automation)) {
    if (policy.spec.suspend) continue;
    const repository = repositoryOf(config, policy);
    if (!repository || repository.spec.suspend) continue;
    const canonical = repository.spec.imageName.canonical;
    const scanned = (await state.read('repository', canonical))?.value.lastScanTime;
    if (elapsed(scanned, now) >= repository.spec.interval.milliseconds) repositories.add(canonical);
    if (policy.spec.digestReflectionPolicy === 'Always' && policy.spec.interval) {
      const evaluated = (await state.read('policy', keyOf(policy)))?.value.lastEvaluationTime;
      if (elapsed(evaluated, now) >= policy.spec.interval.milliseconds) digestsDue = true;
    }
  }
  const lastRun = (await state.read('automation', keyOf(automation)))?.value.lastRunTime;
  const automationDue = elapsed(lastRun, now) >= automation.spec.interval.milliseconds;
  if (repositories.size === 0 && !digestsDue && !automationDue) return undefined;
  return [...repositories].sort();
};

/** Queues a run for every automation with something due; returns the messages sent. */
export const sweep = async (
  deps: SweepDeps,
  options: { readonly all?: boolean } = {},
): Promise<QueueMessage[]> => {
  const now = deps.clock.now();
  const messages: QueueMessage[] = [];
  for (const automation of deps.config.imageUpdateAutomations) {
    if (automation.spec.suspend) continue;
    const repositories = options.all ? [] : await dueRequest(deps, automation, now);
    if (repositories === undefined) continue;
    // One sweep message per automation and minute: a retried schedule does not double the work.
    const bucket = now.toISOString().slice(0, 16);
    messages.push(
      reconcileMessage(
        deps.config,
        automation,
        { repositories, reason: 'sweep', deliveryIds: [], triggeredAt: now.toISOString() },
        `sweep:${bucket}:${keyOf(automation)}`,
      ),
    );
  }
  if (messages.length > 0) {
    await deps.queue.send(messages);
    deps.logger.info('sweep queued', { automations: messages.map((m) => m.request.automation) });
  }
  return messages;
};
