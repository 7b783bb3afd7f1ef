import { describe, expect, it } from 'vitest';
import { isSafeEntryName, toTreePath } from '../../../lib/adapters/git/tree-path.ts';

describe('toTreePath', () => {
  it.each([
    ['', ''],
    ['.', ''],
    ['./clusters/prod/', 'clusters/prod'],
    ['clusters//prod/./app.yaml', 'clusters/prod/app.yaml'],
    ['a/../b/c.yaml', 'b/c.yaml'],
    ['.github/workflows/ci.yaml', '.github/workflows/ci.yaml'],
  ])('%j → %j', (input, expected) => {
    expect(toTreePath(input)).toBe(expected);
  });

  it.each(['..', '../x', 'a/../../b', '/etc/passwd', 'a/.git/config', '.GIT/HEAD', 'a\0b'])(
    'refuses %j',
    (input) => {
      expect(() => toTreePath(input)).toThrow(expect.objectContaining({ code: 'InvalidConfig' }));
    },
  );
});

describe('isSafeEntryName', () => {
  it('accepts ordinary names and refuses the ones a hostile tree could carry', () => {
    expect(['app.yaml', '.github', '..foo'].map(isSafeEntryName)).toEqual([true, true, true]);
    expect(['', '.', '..', 'a/b', '.git', '.Git'].map(isSafeEntryName)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
