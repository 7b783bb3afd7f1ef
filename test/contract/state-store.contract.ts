import { describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/ports/clock.ts';
import type { StateStore } from '../../lib/ports/state-store.ts';

/** What the contract gives a store: its one clock (moved by the test) and its delivery retention. */
export interface StateStoreSetup {
  readonly clock: Clock;
  readonly deliveryRetentionMs: number;
}

/** A clock the test moves by hand, starting at a date that is neither today nor fixed to the real clock. */
const handClock = (startMs: number) => {
  let nowMs = startMs;
  return {
    clock: { now: () => new Date(nowMs) } satisfies Clock,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
};

/**
 * The behaviour every StateStore adapter must have; each adapter's test file runs it. The store is
 * built with the contract's clock, so the suite passes at any real date: expiry is decided by the
 * store's clock alone.
 */
export const describeStateStoreContract = (
  name: string,
  setup: (options: StateStoreSetup) => Promise<{ store: StateStore; teardown?: () => Promise<void> }>,
): void => {
  describe(`StateStore contract: ${name}`, () => {
    const retentionMs = 60_000;
    const withClockedStore = async (
      startMs: number,
      body: (store: StateStore, advance: (ms: number) => void) => Promise<void>,
    ) => {
      const { clock, advance } = handClock(startMs);
      const { store, teardown } = await setup({ clock, deliveryRetentionMs: retentionMs });
      try {
        await body(store, advance);
      } finally {
        await teardown?.();
      }
    };
    const withStore = (body: (store: StateStore) => Promise<void>) =>
      withClockedStore(Date.UTC(2031, 4, 6, 7, 8, 9), (store) => body(store));

    it('reads nothing for an unknown key', () =>
      withStore(async (store) => {
        expect(await store.read('policy', 'apps/web')).toBeUndefined();
      }));

    it('creates with expected version 0 and reads back the value and version 1', () =>
      withStore(async (store) => {
        const version = await store.write(
          'policy',
          'apps/web',
          { latestRef: { name: 'ghcr.io/a/web', tag: '1.0.0' } },
          0,
        );
        expect(version).toBe(1);
        expect(await store.read('policy', 'apps/web')).toEqual({
          value: { latestRef: { name: 'ghcr.io/a/web', tag: '1.0.0' } },
          version: 1,
        });
      }));

    it('refuses a write whose expected version is stale, with a retryable Conflict', () =>
      withStore(async (store) => {
        await store.write('automation', 'apps/fleet', { lastPushCommit: 'a' }, 0);
        await store.write('automation', 'apps/fleet', { lastPushCommit: 'b' }, 1);
        const stale = store.write('automation', 'apps/fleet', { lastPushCommit: 'c' }, 1);
        await expect(stale).rejects.toMatchObject({ code: 'Conflict', retryable: true });
        expect((await store.read('automation', 'apps/fleet'))?.value.lastPushCommit).toBe('b');
      }));

    it('refuses to create a record that already exists', () =>
      withStore(async (store) => {
        await store.write('repository', 'index.docker.io/library/alpine', { canonicalName: 'x' }, 0);
        await expect(
          store.write('repository', 'index.docker.io/library/alpine', { canonicalName: 'y' }, 0),
        ).rejects.toMatchObject({
          code: 'Conflict',
        });
      }));

    it('lets exactly one of two concurrent writers with the same expected version win', () =>
      withStore(async (store) => {
        await store.write('policy', 'apps/web', {}, 0);
        const results = await Promise.allSettled([
          store.write('policy', 'apps/web', { latestRef: { name: 'a', tag: '1' } }, 1),
          store.write('policy', 'apps/web', { latestRef: { name: 'a', tag: '2' } }, 1),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
        expect((await store.read('policy', 'apps/web'))?.version).toBe(2);
      }));

    it('keeps kinds apart and lists one kind sorted by key', () =>
      withStore(async (store) => {
        await store.write('policy', 'b/two', {}, 0);
        await store.write('policy', 'a/one', {}, 0);
        await store.write('automation', 'a/one', {}, 0);
        const policies = await store.list('policy');
        expect(policies.map((p) => p.key)).toEqual(['a/one', 'b/two']);
        expect(policies.every((p) => p.version === 1)).toBe(true);
        expect((await store.list('automation')).map((p) => p.key)).toEqual(['a/one']);
      }));

    it('keeps keys with slashes, colons and long names distinct', () =>
      withStore(async (store) => {
        const long = `registry.example.com:5000/${'very-long-path/'.repeat(20)}app`;
        await store.write('repository', long, { canonicalName: long }, 0);
        await store.write('repository', `${long}2`, { canonicalName: `${long}2` }, 0);
        expect((await store.read('repository', long))?.value.canonicalName).toBe(long);
        expect((await store.list('repository')).map((r) => r.key)).toEqual([long, `${long}2`]);
      }));

    it('returns copies: mutating a read value does not change the store', () =>
      withStore(async (store) => {
        await store.write('automation', 'a/b', { observedPolicies: { web: { name: 'n', tag: '1' } } }, 0);
        const read = await store.read('automation', 'a/b');
        (read?.value.observedPolicies as Record<string, unknown>).web = { name: 'n', tag: 'changed' };
        expect((await store.read('automation', 'a/b'))?.value.observedPolicies?.web?.tag).toBe('1');
      }));

    it('remembers a delivery id once: a replay is reported as seen', () =>
      withStore(async (store) => {
        expect(await store.rememberDelivery('evt-1')).toBe(true);
        expect(await store.rememberDelivery('evt-1')).toBe(false);
        expect(await store.rememberDelivery('evt-2')).toBe(true);
      }));

    // The store's clock alone decides: a date long past (or far ahead of) the real one changes nothing.
    for (const [label, startMs] of [
      ['in the past', Date.UTC(2001, 0, 1)],
      ['in the future', Date.UTC(2091, 0, 1)],
    ] as const) {
      it(`keeps a delivery id for the retention and then forgets it, by its own clock (${label})`, () =>
        withClockedStore(startMs, async (store, advance) => {
          expect(await store.rememberDelivery('evt-t')).toBe(true);
          advance(retentionMs - 1_000);
          expect(await store.hasDelivery('evt-t')).toBe(true);
          expect(await store.rememberDelivery('evt-t')).toBe(false);
          advance(retentionMs + 2_000);
          expect(await store.hasDelivery('evt-t')).toBe(false);
          expect(await store.rememberDelivery('evt-t')).toBe(true);
          expect(await store.rememberDelivery('evt-t')).toBe(false);
        }));
    }

    it('tells whether a delivery id was remembered, without remembering it', () =>
      withStore(async (store) => {
        expect(await store.hasDelivery('evt-5')).toBe(false);
        expect(await store.hasDelivery('evt-5')).toBe(false);
        expect(await store.rememberDelivery('evt-5')).toBe(true);
        expect(await store.hasDelivery('evt-5')).toBe(true);
        expect(await store.hasDelivery('evt-6')).toBe(false);
      }));

    it('admits exactly one of many concurrent deliveries with the same id', () =>
      withStore(async (store) => {
        const firsts = await Promise.all(Array.from({ length: 10 }, () => store.rememberDelivery('same')));
        expect(firsts.filter(Boolean)).toHaveLength(1);
      }));
  });
};
