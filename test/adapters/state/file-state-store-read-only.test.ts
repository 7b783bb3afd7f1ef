import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../infra/peers/scratch-dir.ts';
import { createFileStateStore } from '../../../lib/adapters/state/file-state-store.ts';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await scratchDir('ia-state-ro-');
});
afterAll(() => dir.remove());

describe('file state store, read-only (plan, status, --dry-run)', () => {
  it('reads what a writer recorded', async () => {
    await createFileStateStore({ dir: join(dir.path, 'a') }).write(
      'policy',
      'apps/web',
      { lastEvaluationTime: 't' },
      0,
    );
    const reader = createFileStateStore({ dir: join(dir.path, 'a'), readOnly: true });
    expect(await reader.read('policy', 'apps/web')).toEqual({
      value: { lastEvaluationTime: 't' },
      version: 1,
    });
    expect(await reader.list('policy')).toHaveLength(1);
    expect(await reader.list('automation')).toEqual([]);
  });

  it('creates no directory and refuses writes', async () => {
    const reader = createFileStateStore({ dir: join(dir.path, 'b'), readOnly: true });
    expect(await reader.read('automation', 'apps/fleet')).toBeUndefined();
    expect(await reader.list('repository')).toEqual([]);
    await expect(reader.write('policy', 'apps/web', {}, 0)).rejects.toThrow(/read-only/);
    await expect(reader.rememberDelivery('d1')).rejects.toThrow(/read-only/);
    expect(await readdir(dir.path)).not.toContain('b');
  });
});
