import { describe, expect, it } from 'vitest';
import { createExpiringCache } from '../../../lib/adapters/aws/expiring-cache.ts';

describe('expiring cache', () => {
  it('loads once for concurrent callers and serves the value until it expires', async () => {
    let now = 0;
    let loads = 0;
    const cache = createExpiringCache<string>({ clock: () => now });
    const load = async () => ({ value: `v${++loads}`, expiresAt: now + 100 });
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect([a.value, b.value, loads]).toEqual(['v1', 'v1', 1]);
    now = 99;
    expect(await cache.get('k', load)).toEqual({ value: 'v1', fromCache: true });
    now = 100;
    expect(await cache.get('k', load)).toEqual({ value: 'v2', fromCache: false });
  });

  it('does not cache failures and forgets on delete', async () => {
    const cache = createExpiringCache<number>({ clock: () => 0 });
    await expect(cache.get('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('k', async () => ({ value: 1, expiresAt: 10 }))).toEqual({
      value: 1,
      fromCache: false,
    });
    cache.delete('k');
    expect(await cache.get('k', async () => ({ value: 2, expiresAt: 10 }))).toEqual({
      value: 2,
      fromCache: false,
    });
  });

  it('evicts the oldest entry beyond maxEntries', async () => {
    const cache = createExpiringCache<string>({ clock: () => 0, maxEntries: 2 });
    const value = (v: string) => async () => ({ value: v, expiresAt: 10 });
    await cache.get('a', value('a'));
    await cache.get('b', value('b'));
    await cache.get('c', value('c'));
    expect((await cache.get('a', value('a2'))).value).toBe('a2');
    expect((await cache.get('c', value('c2'))).value).toBe('c');
  });
});
