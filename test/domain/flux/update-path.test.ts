import { describe, expect, it } from 'vitest';
import { normaliseUpdatePath } from '../../../lib/domain/flux/update-path.ts';

describe('normaliseUpdatePath', () => {
  it.each([
    ['', ''],
    ['.', ''],
    ['./', ''],
    ['/', ''],
    ['./clusters/production', 'clusters/production'],
    ['clusters/production/', 'clusters/production'],
    ['/clusters//production', 'clusters/production'],
    ['apps/../clusters', 'clusters'],
  ])('%j → %j', (path, value) => {
    expect(normaliseUpdatePath(path)).toEqual({ ok: true, value });
  });

  it.each(['..', '../fleet', 'apps/../../x'])('%j leaves the repository', (path) => {
    expect(normaliseUpdatePath(path).ok).toBe(false);
  });
});
