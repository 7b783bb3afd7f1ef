import { ConflictError } from '../../domain/errors.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { StateKind, StateRecords, StateStore, Versioned } from '../../ports/state-store.ts';

export interface MemoryStateStoreOptions {
  /** Delivery ids expire after this, as in the durable stores. */
  readonly deliveryRetentionMs?: number;
  /** The store's one clock: it records delivery ids and checks their expiry. */
  readonly clock?: Clock;
}

/** A StateStore in memory: for tests and for `--dry-run`, where nothing may be written. */
export const createMemoryStateStore = (options: MemoryStateStoreOptions = {}): StateStore => {
  const retentionMs = options.deliveryRetentionMs ?? 7 * 24 * 3600 * 1000;
  const clock = options.clock ?? systemClock;
  const records = new Map<string, Versioned<unknown>>();
  /** Delivery id → when it was recorded (ms, by the clock). */
  const deliveries = new Map<string, number>();
  const seen = (deliveryId: string) => {
    const at = deliveries.get(deliveryId);
    return at !== undefined && clock.now().getTime() - at <= retentionMs;
  };
  const id = (kind: StateKind, key: string) => `${kind}\u0000${key}`;

  return {
    async read<K extends StateKind>(kind: K, key: string) {
      const record = records.get(id(kind, key));
      return record ? (structuredClone(record) as Versioned<StateRecords[K]>) : undefined;
    },
    async write<K extends StateKind>(kind: K, key: string, value: StateRecords[K], expectedVersion: number) {
      const current = records.get(id(kind, key))?.version ?? 0;
      if (current !== expectedVersion) {
        throw new ConflictError(
          `state ${kind} "${key}" changed meanwhile (version ${current}, expected ${expectedVersion})`,
          {
            data: { kind, key },
          },
        );
      }
      records.set(id(kind, key), { value: structuredClone(value), version: current + 1 });
      return current + 1;
    },
    async list<K extends StateKind>(kind: K) {
      const prefix = `${kind}\u0000`;
      return [...records.entries()]
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, record]) => ({
          key: k.slice(prefix.length),
          ...(structuredClone(record) as Versioned<StateRecords[K]>),
        }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async hasDelivery(deliveryId: string) {
      return seen(deliveryId);
    },
    async rememberDelivery(deliveryId: string) {
      if (seen(deliveryId)) return false;
      deliveries.set(deliveryId, clock.now().getTime());
      return true;
    },
  };
};
