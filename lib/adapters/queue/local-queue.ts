import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { backoff } from '../../domain/backoff.ts';
import { isAppError, UpstreamError } from '../../domain/errors.ts';
import { mergeReconcileRequests, type ReconcileRequest } from '../../domain/work.ts';
import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import type { Queue, QueueMessage } from '../../ports/queue.ts';
import { writeFileAtomic } from '../state/atomic-file.ts';

/**
 * The embedded queue: SQS FIFO semantics on one machine.
 *
 * - Durable: `send` resolves only after each message is fsync'd into `<dir>/pending/`; a message
 *   is deleted after the run that includes it has finished, so a crash re-runs it after restart.
 * - One writer per group (repository + branch): runs of a group never overlap.
 * - Coalescing without delay: an idle group starts at once; messages arriving while its run is in
 *   flight fold (per automation) into the next run, so a burst becomes few commits.
 * - Retryable failures come back with backoff; after `maxAttempts` a message is moved to `dead/`.
 * - Bounded: beyond `maxPending` messages `send` refuses with a retryable error (HTTP 429).
 */
export const localQueueDefaults = Object.freeze({
  maxPending: 10_000,
  maxAttempts: 8,
  baseRetryDelayMs: 1000,
  maxRetryDelayMs: 5 * 60_000,
  concurrency: 4,
});

export type ProcessRequest = (
  request: ReconcileRequest,
  context: { groupId: string; attempt: number },
) => Promise<void>;

export interface LocalQueueOptions {
  readonly dir: string;
  readonly process: ProcessRequest;
  readonly logger?: Logger;
  readonly maxPending?: number;
  readonly maxAttempts?: number;
  readonly baseRetryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly concurrency?: number;
  readonly random?: () => number;
}

interface Spooled {
  readonly file: string;
  readonly message: QueueMessage;
  attempts: number;
}

interface Group {
  pending: Spooled[];
  running: boolean;
  retryTimer?: NodeJS.Timeout;
}

export interface LocalQueue extends Queue {
  /** Loads messages a previous process accepted but did not finish, and starts them. */
  start(): Promise<number>;
  /** Resolves when nothing is pending or running. */
  drain(): Promise<void>;
  /** Stops starting runs, waits for the ones in flight; pending messages stay on disk. */
  stop(): Promise<void>;
  /** Messages waiting (not yet running). */
  size(): number;
  /** True when nothing is waiting or running. */
  idle(): boolean;
}

export const createLocalQueue = (options: LocalQueueOptions): LocalQueue => {
  const settings = { ...localQueueDefaults, ...options };
  const logger = options.logger ?? silentLogger;
  const random = options.random ?? Math.random;
  const pendingDir = join(settings.dir, 'pending');
  const deadDir = join(settings.dir, 'dead');
  const groups = new Map<string, Group>();
  const known = new Set<string>();
  let sequence = 0;
  let stopped = false;
  let active = 0;
  const waiting: Array<() => void> = [];
  const idleWaiters: Array<() => void> = [];

  const count = () => [...groups.values()].reduce((n, g) => n + g.pending.length, 0);
  const busy = () => active > 0 || [...groups.values()].some((g) => g.running || g.pending.length > 0);
  const notifyIdle = () => {
    if (!busy()) for (const resolve of idleWaiters.splice(0)) resolve();
  };

  const acquireSlot = async () => {
    if (active >= settings.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
  };
  const releaseSlot = () => {
    active--;
    waiting.shift()?.();
  };

  const groupOf = (id: string): Group => {
    let group = groups.get(id);
    if (!group) {
      group = { pending: [], running: false };
      groups.set(id, group);
    }
    return group;
  };

  const enqueue = (spooled: Spooled) => {
    known.add(spooled.message.deduplicationId);
    groupOf(spooled.message.groupId).pending.push(spooled);
    schedule(spooled.message.groupId);
  };

  const schedule = (groupId: string) => {
    const group = groupOf(groupId);
    if (stopped || group.running || group.retryTimer || group.pending.length === 0) return;
    group.running = true;
    void runGroup(groupId, group);
  };

  // Takes everything pending in the group, merges it per automation, and runs each automation once.
  const runGroup = async (groupId: string, group: Group) => {
    await acquireSlot();
    const batch = group.pending.splice(0);
    const byAutomation = new Map<string, { request: ReconcileRequest; items: Spooled[] }>();
    for (const item of batch) {
      const { request } = item.message;
      const entry = byAutomation.get(request.automation);
      if (entry) {
        entry.request = mergeReconcileRequests(entry.request, request);
        entry.items.push(item);
      } else byAutomation.set(request.automation, { request, items: [item] });
    }
    let retryLater: Spooled[] = [];
    try {
      for (const { request, items } of byAutomation.values()) {
        const attempt = items.reduce((most, i) => Math.max(most, i.attempts), 0) + 1;
        try {
          await settings.process(request, { groupId, attempt });
          await Promise.all(items.map(finish));
        } catch (error) {
          const retryable = !isAppError(error) || error.retryable;
          for (const item of items) item.attempts = attempt;
          if (retryable && attempt < settings.maxAttempts) {
            logger.warn('run failed; will retry', {
              groupId,
              automation: request.automation,
              attempt,
              error: describe(error),
            });
            // Persist the attempt count so a restart does not grant a fresh set of retries.
            await Promise.all(
              items.map((i) =>
                writeFileAtomic(i.file, JSON.stringify({ message: i.message, attempts: i.attempts })),
              ),
            );
            retryLater = retryLater.concat(items);
          } else {
            logger.error('run failed; giving up', {
              groupId,
              automation: request.automation,
              attempt,
              error: describe(error),
            });
            await Promise.all(items.map(retryable ? deadLetter : finish));
          }
        }
      }
    } finally {
      releaseSlot();
      group.running = false;
      if (retryLater.length > 0) {
        // No spread into a call: a burst can leave thousands of items to retry.
        group.pending = retryLater.concat(group.pending);
        const attempts = retryLater.reduce((most, i) => Math.max(most, i.attempts), 0);
        const delay = backoff(
          { baseMs: settings.baseRetryDelayMs, maxMs: settings.maxRetryDelayMs },
          attempts,
          random,
        );
        group.retryTimer = setTimeout(() => {
          group.retryTimer = undefined;
          schedule(groupId);
        }, delay);
      } else schedule(groupId);
      notifyIdle();
    }
  };

  const finish = async (item: Spooled) => {
    await unlink(item.file).catch(() => {});
    known.delete(item.message.deduplicationId);
  };

  const deadLetter = async (item: Spooled) => {
    await mkdir(deadDir, { recursive: true });
    await rename(item.file, join(deadDir, item.file.split('/').pop() as string)).catch(() => {});
    known.delete(item.message.deduplicationId);
  };

  const spool = async (message: QueueMessage): Promise<Spooled> => {
    // Time-ordered names keep FIFO order across restarts.
    const name = `${Date.now().toString().padStart(15, '0')}-${(sequence++).toString().padStart(8, '0')}-${createHash(
      'sha256',
    )
      .update(message.deduplicationId)
      .digest('hex')
      .slice(0, 16)}.json`;
    const file = join(pendingDir, name);
    await writeFileAtomic(file, JSON.stringify({ message, attempts: 0 }));
    return { file, message, attempts: 0 };
  };

  return {
    async send(messages) {
      if (count() + messages.length > settings.maxPending) {
        throw new UpstreamError(`the local queue is full (${settings.maxPending} messages); retry later`, {
          data: { reason: 'queue-full', retryAfterSeconds: 5 },
        });
      }
      await mkdir(pendingDir, { recursive: true });
      const fresh = messages.filter(
        (m, i) =>
          !known.has(m.deduplicationId) &&
          messages.findIndex((o) => o.deduplicationId === m.deduplicationId) === i,
      );
      const spooled = await Promise.all(fresh.map(spool));
      for (const item of spooled) enqueue(item);
    },
    async start() {
      await mkdir(pendingDir, { recursive: true });
      const names = (await readdir(pendingDir))
        .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
        .sort();
      for (const name of names) {
        const file = join(pendingDir, name);
        const stored = JSON.parse(await readFile(file, 'utf8')) as {
          message: QueueMessage;
          attempts: number;
        };
        enqueue({ file, message: stored.message, attempts: stored.attempts });
      }
      return names.length;
    },
    drain: () => (busy() ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve()),
    async stop() {
      stopped = true;
      for (const group of groups.values()) {
        if (group.retryTimer) clearTimeout(group.retryTimer);
        group.retryTimer = undefined;
      }
      while ([...groups.values()].some((g) => g.running) || active > 0)
        await new Promise((r) => setTimeout(r, 10));
    },
    size: count,
    idle: () => !busy(),
  };
};

const describe = (error: unknown) =>
  isAppError(error)
    ? { code: error.code, message: error.message }
    : { message: String((error as Error)?.message ?? error) };
