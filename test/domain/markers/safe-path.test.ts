import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../../lib/domain/errors.ts';
import { safeRelativePath } from '../../../lib/domain/markers/safe-path.ts';

describe('safeRelativePath', () => {
  it.each([
    ['', ''],
    ['.', ''],
    ['./', ''],
    ['./clusters/prod', 'clusters/prod'],
    ['clusters/prod/', 'clusters/prod'],
    ['clusters//prod/./apps', 'clusters/prod/apps'],
    ['clusters/../apps', 'apps'],
    ['a/b/../../c', 'c'],
    ['a/..', ''],
    ['.hidden/x.yaml', '.hidden/x.yaml'],
    ['..foo/bar', '..foo/bar'],
    ['a\\b', 'a\\b'],
  ])('%j → %j', (input, expected) => {
    expect(safeRelativePath(input)).toBe(expected);
  });

  it.each(['/etc', '/', '..', '../x', './../x', 'a/../../x', 'a/b/../../..', 'nul\u0000byte'])(
    '%j is refused',
    (input) => {
      expect(() => safeRelativePath(input)).toThrow(InvalidConfigError);
    },
  );

  it('names the path in the error data', () => {
    try {
      safeRelativePath('../secrets');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect((error as InvalidConfigError).data).toEqual({ path: '../secrets' });
      expect((error as InvalidConfigError).code).toBe('InvalidConfig');
    }
  });
});
