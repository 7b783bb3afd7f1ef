import { ConflictError } from '../../domain/errors.ts';
import type { StateKind, StateRecords, StateStore, Versioned } from '../../ports/state-store.ts';
import { createMemoryStateStore, type MemoryStateStoreOptions } from './memory-state-store.ts';

/**
 * Reads fall through to `base` until a key is written; writes stay in memory. `--dry-run` and
 * `plan` run the real use cases on it: they see the recorded state and change none of it.
 */
export const createOverlayStateStore = (
  base: StateStore,
  options: MemoryStateStoreOptions = {},
): StateStore => {
  const written = new Map<string, { kind: StateKind; key: string; record: Versioned<unknown> }>();
  // Delivery ids recorded here never reach the base; their expiry follows the same rule as everywhere.
  const deliveries = createMemoryStateStore(options);
  // Writes are serialised: the version check reads the base asynchronously.
  let writes: Promise<unknown> = Promise.resolve();
  const id = (kind: StateKind, key: string) => `${kind}\u0000${key}`;

  const overlayRead = async <K extends StateKind>(kind: K, key: string) => {
    const entry = written.get(id(kind, key));
    if (entry) return structuredClone(entry.record) as Versioned<StateRecords[K]>;
    return base.read(kind, key);
  };

  const overlayWrite = <K extends StateKind>(
    kind: K,
    key: string,
    value: StateRecords[K],
    expectedVersion: number,
  ) => {
    const attempt = writes.then(async () => {
      const current = (await overlayRead(kind, key))?.version ?? 0;
      if (current !== expectedVersion) {
        throw new ConflictError(
          `state ${kind} "${key}" changed meanwhile (version ${current}, expected ${expectedVersion})`,
        );
      }
      written.set(id(kind, key), {
        kind,
        key,
        record: { value: structuredClone(value), version: current + 1 },
      });
      return current + 1;
    });
    writes = attempt.catch(() => {});
    return attempt;
  };

  return {
    read: overlayRead,
    write: overlayWrite,
    async list<K extends StateKind>(kind: K) {
      const merged = new Map((await base.list(kind)).map((r) => [r.key, r]));
      for (const entry of written.values()) {
        if (entry.kind === kind) {
          merged.set(entry.key, {
            key: entry.key,
            ...(structuredClone(entry.record) as Versioned<StateRecords[K]>),
          });
        }
      }
      return [...merged.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    hasDelivery: deliveries.hasDelivery,
    rememberDelivery: deliveries.rememberDelivery,
  };
};
