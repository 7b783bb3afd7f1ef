import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../infra/peers/scratch-dir.ts';
import { createFileStateStore } from '../../../lib/adapters/state/file-state-store.ts';
import { describeStateStoreContract } from '../../contract/state-store.contract.ts';

describeStateStoreContract('file', async (options) => {
  const dir = await scratchDir('ia-state-');
  return { store: createFileStateStore({ dir: dir.path, ...options }), teardown: dir.remove };
});

describe('file state store', () => {
  it('survives a restart: a new store on the same directory reads what the old one wrote', async () => {
    const dir = await scratchDir('ia-state-');
    try {
      await createFileStateStore({ dir: dir.path }).write(
        'policy',
        'apps/web',
        { latestRef: { name: 'a', tag: '1' } },
        0,
      );
      expect(await createFileStateStore({ dir: dir.path }).read('policy', 'apps/web')).toEqual({
        value: { latestRef: { name: 'a', tag: '1' } },
        version: 1,
      });
      expect(await createFileStateStore({ dir: dir.path }).rememberDelivery('d')).toBe(true);
      expect(await createFileStateStore({ dir: dir.path }).rememberDelivery('d')).toBe(false);
    } finally {
      await dir.remove();
    }
  });

  it('leaves no temporary files behind and stores readable JSON', async () => {
    const dir = await scratchDir('ia-state-');
    try {
      const store = createFileStateStore({ dir: dir.path });
      for (let v = 0; v < 5; v++)
        await store.write('automation', 'apps/fleet', { lastPushCommit: `c${v}` }, v);
      const files = await readdir(join(dir.path, 'automation'));
      expect(files).toEqual(['apps%2Ffleet.json']);
      const json = JSON.parse(await readFile(join(dir.path, 'automation', files[0] as string), 'utf8'));
      expect(json).toEqual({ key: 'apps/fleet', version: 5, value: { lastPushCommit: 'c4' } });
    } finally {
      await dir.remove();
    }
  });

  it('reports a corrupted record as an internal error naming the file instead of guessing', async () => {
    const dir = await scratchDir('ia-state-');
    try {
      const store = createFileStateStore({ dir: dir.path });
      await store.write('policy', 'apps/web', {}, 0);
      await writeFile(join(dir.path, 'policy', 'apps%2Fweb.json'), '{"key": "apps/web", "vers');
      await expect(store.read('policy', 'apps/web')).rejects.toMatchObject({
        code: 'Internal',
        message: expect.stringContaining('apps%2Fweb.json'),
      });
    } finally {
      await dir.remove();
    }
  });

  it('prunes delivery ids older than the retention by its own clock, so a very old id counts as new again', async () => {
    const dir = await scratchDir('ia-state-');
    try {
      let nowMs = Date.UTC(2040, 1, 2);
      const store = createFileStateStore({
        dir: dir.path,
        deliveryRetentionMs: 60_000,
        clock: { now: () => new Date(nowMs) },
      });
      await store.rememberDelivery('old');
      nowMs += 30_000;
      await store.rememberDelivery('fresh');
      expect(await store.prune()).toBe(0);
      nowMs += 45_000;
      expect(await store.prune()).toBe(1);
      expect(await readdir(join(dir.path, 'deliveries'))).toHaveLength(1);
      expect(await store.rememberDelivery('old')).toBe(true);
      expect(await store.rememberDelivery('fresh')).toBe(false);
    } finally {
      await dir.remove();
    }
  });
});
