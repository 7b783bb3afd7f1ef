import { describe, expect, it } from 'vitest';
import { isOciTag, screenTags } from '../../../lib/domain/policy/oci-tag.ts';

describe('OCI tag grammar', () => {
  it.each(['1.2.3', 'v1.2.3-rc.1', '_x', 'sha256-abc.sig', 'A'.repeat(128), 'a_b-c.d'])(
    'accepts %j',
    (tag) => {
      expect(isOciTag(tag)).toBe(true);
    },
  );
  it.each([
    '',
    '.hidden',
    '-dash',
    'A'.repeat(129),
    '1.0 #x',
    '1.0\n# injected: true',
    '1.0\u001b[2J',
    '1.0+build',
    '1.0/../x',
    'ünï',
  ])('refuses %j', (tag) => {
    expect(isOciTag(tag)).toBe(false);
  });

  it('screenTags keeps the valid ones in order and counts the others with short escaped examples', () => {
    const screened = screenTags(['1.0', 'a b', '2.0', 'x\n', `y ${'z'.repeat(60)}`, '\u001b', '3.0']);
    expect(screened.tags).toEqual(['1.0', '2.0', '3.0']);
    expect(screened.dropped).toBe(4);
    expect(screened.examples).toEqual(['a b', 'x\\n', `y ${'z'.repeat(38)}…`]);
  });
});
