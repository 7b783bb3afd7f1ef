import { ConflictError } from '../../domain/errors.ts';
import type { StateKind, StateRecords, StateStore, Versioned } from '../../ports/state-store.ts';

/** A StateStore in memory: for tests and for `--dry-run`, where nothing may be written. */
export const createMemoryStateStore = (): StateStore => {
  const records = new Map<string, Versioned<unknown>>();
  const deliveries = new Set<string>();
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
      return deliveries.has(deliveryId);
    },
    async rememberDelivery(deliveryId: string) {
      if (deliveries.has(deliveryId)) return false;
      deliveries.add(deliveryId);
      return true;
    },
    async forgetDelivery(deliveryId: string) {
      deliveries.delete(deliveryId);
    },
  };
};
