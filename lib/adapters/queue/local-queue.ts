import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isAppError, UpstreamError } from '../../domain/errors.ts';
import {
  type DeadLetterRecord,
  foldByAutomation,
  type SettleDecision,
  settleDefaults,
  settleRun,
} from '../../domain/settle-work.ts';
import type { ReconcileRequest } from '../../domain/work.ts';
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
 * - What becomes of a run's messages is settleRun's answer (domain/settle-work.ts), the one the Lambda
 *   worker gets: acknowledged (deleted), retried after the one backoff, or — after `maxAttempts`, the
 *   SQS redrive policy's `maxReceiveCount` — moved to `<dir>/dead/` with a record (automation, last
 *   error, attempts, time): the local dead-letter queue. `readDeadLetters` lists it (`status` shows
 *   it), `redriveDeadLetters` moves it back to `pending/` with fresh attempts (`image-automation
 *   redrive`).
 * - Bounded: beyond `maxPending` messages `send` refuses with a retryable error (HTTP 429).
 */
export const localQueueDefaults = Object.freeze({
  maxPending: 10_000,
  maxAttempts: settleDefaults.maxAttempts,
  baseRetryDelayMs: settleDefaults.backoff.baseMs,
  maxRetryDelayMs: settleDefaults.backoff.maxMs,
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
  /** The dead-letter record's time; the system clock by default. */
  readonly now?: () => Date;
}

/** What a file in `pending/` or `dead/` holds. */
interface StoredMessage {
  readonly message: QueueMessage;
  readonly attempts: number;
  /** Only in `dead/`: why it was given up. */
  readonly deadLetter?: DeadLetter;
}

/** One message in the local dead-letter queue, as `status` shows it. */
export interface DeadLetter extends DeadLetterRecord {
  /** ISO-8601: when it was given up. */
  readonly at: string;
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
  const now = options.now ?? (() => new Date());
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

  // Takes everything pending in the group, folds it per automation, runs each automation once, and
  // does with its messages what settleRun decides.
  const runGroup = async (groupId: string, group: Group) => {
    await acquireSlot();
    const batch = group.pending.splice(0);
    let retryLater: Spooled[] = [];
    let retryDelay = 0;
    try {
      for (const { request, items } of foldByAutomation(batch, (item) => item.message.request)) {
        const attempt = items.reduce((most, i) => Math.max(most, i.attempts), 0) + 1;
        const error = await settings.process(request, { groupId, attempt }).then(
          () => undefined,
          (thrown: unknown) => thrown ?? new Error('the run failed without an error'),
        );
        const decision: SettleDecision = settleRun(
          { automation: request.automation, attempt, error },
          { random },
          {
            maxAttempts: settings.maxAttempts,
            backoff: { baseMs: settings.baseRetryDelayMs, maxMs: settings.maxRetryDelayMs },
          },
        );
        const fields = { groupId, automation: request.automation, attempt, error: describe(error) };
        for (const item of items) item.attempts = attempt;
        if (decision.action === 'ack') {
          if (error !== undefined) logger.warn('run failed for good; messages acknowledged', fields);
          await Promise.all(items.map(finish));
        } else if (decision.action === 'retry') {
          logger.warn('run failed; will retry', { ...fields, delayMs: decision.delayMs });
          // Persist the attempt count so a restart does not grant a fresh set of retries.
          await Promise.all(items.map((i) => writeFileAtomic(i.file, stored(i))));
          retryLater = retryLater.concat(items);
          retryDelay = Math.max(retryDelay, decision.delayMs);
        } else {
          const deadLetter: DeadLetter = { ...decision.record, at: now().toISOString() };
          logger.error('run failed for the last time; messages moved to the dead-letter directory', {
            ...fields,
            deadLetter,
          });
          await Promise.all(items.map((item) => moveToDead(item, deadLetter)));
        }
      }
    } finally {
      releaseSlot();
      group.running = false;
      if (retryLater.length > 0) {
        // No spread into a call: a burst can leave thousands of items to retry.
        group.pending = retryLater.concat(group.pending);
        group.retryTimer = setTimeout(() => {
          group.retryTimer = undefined;
          schedule(groupId);
        }, retryDelay);
      } else schedule(groupId);
      notifyIdle();
    }
  };

  const finish = async (item: Spooled) => {
    await unlink(item.file).catch(() => {});
    known.delete(item.message.deduplicationId);
  };

  const stored = (item: Spooled, deadLetter?: DeadLetter): string =>
    JSON.stringify({
      message: item.message,
      attempts: item.attempts,
      ...(deadLetter && { deadLetter }),
    } satisfies StoredMessage);

  const moveToDead = async (item: Spooled, deadLetter: DeadLetter) => {
    await mkdir(deadDir, { recursive: true });
    // Written whole into dead/ first, then removed from pending/: a crash in between re-runs it once.
    await writeFileAtomic(join(deadDir, basename(item.file)), stored(item, deadLetter));
    await unlink(item.file).catch(() => {});
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
        const read = JSON.parse(await readFile(file, 'utf8')) as StoredMessage;
        enqueue({ file, message: read.message, attempts: read.attempts });
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

const listJson = async (dir: string): Promise<string[]> =>
  (await readdir(dir).catch(() => [] as string[]))
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .sort();

/** The local dead-letter queue under a queue directory (`<state>/queue`), oldest first. */
export const readDeadLetters = async (queueDir: string): Promise<DeadLetter[]> => {
  const deadDir = join(queueDir, 'dead');
  const letters: DeadLetter[] = [];
  for (const name of await listJson(deadDir)) {
    const read = JSON.parse(await readFile(join(deadDir, name), 'utf8')) as StoredMessage;
    letters.push(
      read.deadLetter ?? {
        // Written before dead letters carried a record.
        automation: read.message.request.automation,
        attempts: read.attempts,
        lastError: { code: 'Internal', message: 'unknown (dead-lettered before records were kept)' },
        at: '',
      },
    );
  }
  return letters;
};

/**
 * Re-drive: moves every dead letter back to `pending/` with its attempts reset, as SQS's "start DLQ
 * redrive" does. Run while no queue uses the directory (serve holds the state directory's lock);
 * the next `serve` starts them. Returns how many moved.
 */
export const redriveDeadLetters = async (queueDir: string): Promise<number> => {
  const deadDir = join(queueDir, 'dead');
  const pendingDir = join(queueDir, 'pending');
  const names = await listJson(deadDir);
  await mkdir(pendingDir, { recursive: true });
  for (const name of names) {
    const read = JSON.parse(await readFile(join(deadDir, name), 'utf8')) as StoredMessage;
    await writeFileAtomic(
      join(pendingDir, name),
      JSON.stringify({ message: read.message, attempts: 0 } satisfies StoredMessage),
    );
    await unlink(join(deadDir, name));
  }
  return names.length;
};

const describe = (error: unknown) =>
  error === undefined
    ? undefined
    : isAppError(error)
      ? { code: error.code, message: error.message }
      : { message: String((error as Error)?.message ?? error) };
