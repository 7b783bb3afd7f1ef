import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, InternalError } from '../../domain/errors.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { StateKind, StateRecords, StateStore, Versioned } from '../../ports/state-store.ts';
import { syncDirectory, writeFileAtomic } from './atomic-file.ts';

/**
 * The embedded default StateStore: one JSON file per record under `<dir>/<kind>/`, written
 * atomically, so a crash never leaves a torn record. Compare-and-set is serialised per record
 * inside the process; one `serve` owns a state directory (see the directory lock in lib/local).
 */
export const fileStateStoreDefaults = Object.freeze({
  /** Delivery ids older than this are forgotten (senders retry within minutes, not weeks). */
  deliveryRetentionMs: 7 * 24 * 3600 * 1000,
});

export interface FileStateStoreOptions {
  readonly dir: string;
  readonly deliveryRetentionMs?: number;
  /**
   * Read what is there and never touch the directory (no mkdir, writes refused): `plan`, `status`
   * and `--dry-run` look at a state directory that a running `serve` may own.
   */
  readonly readOnly?: boolean;
  /**
   * The store's one clock: a delivery file's modification time is set from it when the id is recorded,
   * and expiry is checked against it, so tests at any date see the same answers.
   */
  readonly clock?: Clock;
}

// Keys contain '/' and ':' (policy names, image names); hash the long ones to stay under NAME_MAX.
const fileName = (key: string): string => {
  const encoded = encodeURIComponent(key);
  return encoded.length <= 180 ? `${encoded}.json` : `${createHash('sha256').update(key).digest('hex')}.json`;
};

interface StoredRecord {
  readonly key: string;
  readonly version: number;
  readonly value: unknown;
}

/**
 * Group commit for one directory: callers that arrive while a sync is in flight share the next one
 * (which starts after it, so it covers their files). A request of many deliveries costs about two
 * directory fsyncs, not one per delivery.
 */
const coalescedDirectorySync = (path: string) => {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = () => {
    running = syncDirectory(path).finally(() => {
      running = undefined;
    });
    return running;
  };
  return (): Promise<void> => {
    if (!running) return start();
    next ??= running.then(() => {
      next = undefined;
      return start();
    });
    return next;
  };
};

export const createFileStateStore = (
  options: FileStateStoreOptions,
): StateStore & { prune(): Promise<number> } => {
  const { dir, deliveryRetentionMs, readOnly } = { ...fileStateStoreDefaults, ...options };
  const clock = options.clock ?? systemClock;
  const locks = new Map<string, Promise<unknown>>();
  const syncDeliveries = coalescedDirectorySync(join(dir, 'deliveries'));

  const withLock = <T>(id: string, work: () => Promise<T>): Promise<T> => {
    const previous = locks.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => {});
    locks.set(id, settled);
    void settled.then(() => {
      if (locks.get(id) === settled) locks.delete(id);
    });
    return next;
  };

  const kindDir = async (kind: string): Promise<string> => {
    const path = join(dir, kind);
    if (readOnly) return path;
    await mkdir(path, { recursive: true });
    return path;
  };
  const refuseWrite = () => {
    throw new InternalError(`state directory ${dir} was opened read-only`);
  };

  const readRecord = async (path: string): Promise<StoredRecord | undefined> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as StoredRecord;
    } catch (cause) {
      throw new InternalError(`state file ${path} is not valid JSON`, { cause, data: { path } });
    }
  };

  const fileStateStoreRead = async <K extends StateKind>(kind: K, key: string) => {
    const record = await readRecord(join(await kindDir(kind), fileName(key)));
    return record
      ? ({ value: record.value, version: record.version } as Versioned<StateRecords[K]>)
      : undefined;
  };

  const fileStateStoreWrite = <K extends StateKind>(
    kind: K,
    key: string,
    value: StateRecords[K],
    expectedVersion: number,
  ) =>
    withLock(`${kind}/${key}`, async () => {
      if (readOnly) refuseWrite();
      const path = join(await kindDir(kind), fileName(key));
      const current = (await readRecord(path))?.version ?? 0;
      if (current !== expectedVersion) {
        throw new ConflictError(
          `state ${kind} "${key}" changed meanwhile (version ${current}, expected ${expectedVersion})`,
          {
            data: { kind, key },
          },
        );
      }
      const record: StoredRecord = { key, version: current + 1, value };
      await writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
      return current + 1;
    });

  const fileStateStoreList = async <K extends StateKind>(kind: K) => {
    const path = await kindDir(kind);
    const names = (
      await readdir(path).catch((error: NodeJS.ErrnoException) => {
        if (readOnly && error.code === 'ENOENT') return [];
        throw error;
      })
    ).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
    const records = await Promise.all(names.map((n) => readRecord(join(path, n))));
    return records
      .filter((r): r is StoredRecord => r !== undefined)
      .map((r) => ({ key: r.key, value: r.value as StateRecords[K], version: r.version }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  };

  const deliveryPath = async (id: string) =>
    join(await kindDir('deliveries'), createHash('sha256').update(id).digest('hex'));

  /** When the delivery file at `path` was recorded (its mtime, set from the clock), or undefined. */
  const recordedAt = (path: string) =>
    stat(path).then(
      (info) => info.mtimeMs,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      },
    );
  const expired = (recordedMs: number) => clock.now().getTime() - recordedMs > deliveryRetentionMs;

  const fileStateStoreHasDelivery = async (id: string) => {
    const recorded = await recordedAt(await deliveryPath(id));
    return recorded !== undefined && !expired(recorded);
  };

  // One empty file per delivery id, created exclusively: the filesystem decides who was first. Its
  // mtime is the clock's time, so expiry needs no other record. An expired file is taken over under
  // the id's lock (one process owns a state directory).
  const fileStateStoreRememberDelivery = (id: string) =>
    withLock(`deliveries/${id}`, async () => {
      if (readOnly) refuseWrite();
      const path = await deliveryPath(id);
      const now = clock.now();
      try {
        const handle = await open(path, 'wx');
        try {
          await handle.utimes(now, now);
        } finally {
          await handle.close();
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const recorded = await recordedAt(path);
        if (recorded !== undefined && !expired(recorded)) return false;
        await writeFileAtomic(path, '');
        await utimes(path, now, now);
      }
      await syncDeliveries();
      return true;
    });

  /** Forgets delivery ids older than the retention, by the store's clock; returns how many were removed. */
  const prune = async () => {
    if (readOnly) return 0;
    const path = await kindDir('deliveries');
    let removed = 0;
    for (const name of await readdir(path)) {
      const recorded = await recordedAt(join(path, name)).catch(() => undefined);
      if (recorded !== undefined && expired(recorded)) {
        await unlink(join(path, name)).catch(() => {});
        removed++;
      }
    }
    return removed;
  };

  return {
    read: fileStateStoreRead,
    write: fileStateStoreWrite,
    list: fileStateStoreList,
    hasDelivery: fileStateStoreHasDelivery,
    rememberDelivery: fileStateStoreRememberDelivery,
    prune,
  };
};
