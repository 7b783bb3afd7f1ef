import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { createIsomorphicGitClient } from '../../lib/adapters/git/isomorphic-git-client.ts';
import { createJsonLogger } from '../../lib/adapters/logging/json-logger.ts';
import { createLocalQueue, type LocalQueue } from '../../lib/adapters/queue/local-queue.ts';
import { createOciRegistryClient } from '../../lib/adapters/registry/oci-distribution-client.ts';
import { createConfigSecretSource } from '../../lib/adapters/secrets/config-secret-source.ts';
import { createMemoryStateStore } from '../../lib/adapters/state/memory-state-store.ts';
import { reconcileMessage } from '../../lib/app/ingest-hook.ts';
import { type ReconcileDeps, reconcileAutomation } from '../../lib/app/reconcile-automation.ts';
import type { FluxConfig } from '../../lib/domain/flux/types.ts';
import { systemClock } from '../../lib/ports/clock.ts';
import type { StateStore } from '../../lib/ports/state-store.ts';

/**
 * The worker half of `serve`, composed in the test process from the real adapters (registry client,
 * isomorphic-git client, durable local queue) with short timeouts and retry delays, and a state
 * store the test can read. Several of them over one repository are "several workers racing".
 */
export interface InProcessWorker {
  readonly deps: ReconcileDeps;
  readonly state: StateStore;
  readonly queue: LocalQueue;
  /** Every log line, parsed (the queue's retries and give-ups among them). */
  readonly logs: Array<Record<string, unknown> & { at: number }>;
  /** Queues a run of `automation` (`namespace/name`), as a webhook for `repositories` would. */
  trigger(automation: string, repositories: readonly string[], deliveryId: string): Promise<void>;
  stop(): Promise<void>;
}

export interface InProcessWorkerOptions {
  readonly config: FluxConfig;
  /** Scratch directory (tmpfs); the queue spools under a fresh subdirectory. */
  readonly scratch: string;
  readonly registryTimeoutMs?: number;
  readonly retryBaseMs?: number;
  readonly maxAttempts?: number;
}

export const startInProcessWorker = async (options: InProcessWorkerOptions): Promise<InProcessWorker> => {
  const logs: InProcessWorker['logs'] = [];
  const logger = createJsonLogger({
    level: 'debug',
    write: (line) => logs.push({ ...(JSON.parse(line) as Record<string, unknown>), at: performance.now() }),
  });
  const state = createMemoryStateStore();
  const deps: ReconcileDeps = {
    config: options.config,
    registry: createOciRegistryClient({
      timeoutMs: options.registryTimeoutMs ?? 500,
      retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    }),
    git: createIsomorphicGitClient({ timeoutMs: 10_000 }),
    state,
    secrets: createConfigSecretSource({ secrets: options.config.secrets, env: {} }),
    clock: systemClock,
    logger,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  const queue = createLocalQueue({
    dir: await mkdtemp(join(options.scratch, 'queue-')),
    logger,
    baseRetryDelayMs: options.retryBaseMs ?? 100,
    maxRetryDelayMs: 2_000,
    maxAttempts: options.maxAttempts ?? 30,
    process: async (request) => {
      await reconcileAutomation(deps, request);
    },
  });
  await queue.start();
  return {
    deps,
    state,
    queue,
    logs,
    trigger: async (automation, repositories, deliveryId) => {
      const found = options.config.imageUpdateAutomations.find(
        (a) => `${a.metadata.namespace}/${a.metadata.name}` === automation,
      );
      if (!found) throw new Error(`no automation ${automation}`);
      await queue.send([
        reconcileMessage(
          options.config,
          found,
          { repositories, reason: 'event', deliveryIds: [deliveryId], triggeredAt: new Date().toISOString() },
          `${deliveryId}:${automation}`,
        ),
      ]);
    },
    stop: () => queue.stop(),
  };
};

/** The queue's log lines for a run it will not retry: failed for good, or dead-lettered. */
export const GAVE_UP = /^run failed (for good|for the last time)/;
