import { describe, expect, it } from 'vitest';
import { compareGoStrings, sortTagsDescending } from '../../../lib/domain/policy/go-string-order.ts';

describe('compareGoStrings: Go byte order', () => {
  it.each([
    { a: 'a', b: 'b', order: -1 },
    { a: 'b', b: 'a', order: 1 },
    { a: 'a', b: 'a', order: 0 },
    { a: 'a', b: 'ab', order: -1, why: 'prefix first' },
    { a: 'Z', b: 'a', order: -1, why: 'uppercase below lowercase' },
    { a: '9', b: 'A', order: -1, why: 'digits below letters' },
    { a: '101', b: '15', order: -1, why: 'no numeric sense' },
    { a: '\u{ff5e}', b: '\u{1f600}', order: -1, why: 'UTF-8 order, where UTF-16 units would disagree' },
    { a: 'é', b: 'z', order: 1, why: 'non-ASCII above ASCII' },
  ])('$a vs $b → $order', ({ a, b, order }) => {
    expect(compareGoStrings(a, b)).toBe(order);
  });

  it('sorts descending with the same order', () => {
    expect(sortTagsDescending(['\u{1f600}', 'a', '\u{ff5e}'])).toEqual(['\u{1f600}', '\u{ff5e}', 'a']);
  });
});
