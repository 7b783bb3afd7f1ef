import { describe, expect, it } from 'vitest';
import { createMemoryStateStore } from '../../../lib/adapters/state/memory-state-store.ts';
import { createOverlayStateStore } from '../../../lib/adapters/state/overlay-state-store.ts';
import { describeStateStoreContract } from '../../contract/state-store.contract.ts';

describeStateStoreContract('overlay on an empty base', async (options) => ({
  store: createOverlayStateStore(createMemoryStateStore(), options),
}));

describe('overlay state store', () => {
  it('reads the base, keeps its own writes, and never writes to the base', async () => {
    const base = createMemoryStateStore();
    await base.write('policy', 'apps/web', { latestRef: { name: 'a', tag: '1' } }, 0);
    const overlay = createOverlayStateStore(base);
    expect((await overlay.read('policy', 'apps/web'))?.value.latestRef?.tag).toBe('1');
    expect(await overlay.write('policy', 'apps/web', { latestRef: { name: 'a', tag: '2' } }, 1)).toBe(2);
    expect((await overlay.read('policy', 'apps/web'))?.value.latestRef?.tag).toBe('2');
    expect(await base.read('policy', 'apps/web')).toEqual({
      value: { latestRef: { name: 'a', tag: '1' } },
      version: 1,
    });
    await expect(overlay.write('policy', 'apps/web', {}, 1)).rejects.toMatchObject({ code: 'Conflict' });
  });
});
