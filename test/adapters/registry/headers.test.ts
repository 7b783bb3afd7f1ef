import { describe, expect, it } from 'vitest';
import { isContentDigest } from '../../../lib/adapters/registry/content-digest.ts';
import { nextPageUrl } from '../../../lib/adapters/registry/link-header.ts';
import { retryAfterMs } from '../../../lib/adapters/registry/retry-after.ts';

const REQUEST = 'https://r.example/v2/team/app/tags/list?n=1000';

describe('nextPageUrl', () => {
  it.each([
    [null, undefined],
    ['', undefined],
    ['</v2/team/app/tags/list?last=b&n=2>; rel="next"', 'https://r.example/v2/team/app/tags/list?last=b&n=2'],
    ['<list?last=b>; rel=next', 'https://r.example/v2/team/app/tags/list?last=b'],
    ['<https://other.example/p?x=1,2>; rel="next"', 'https://other.example/p?x=1,2'],
    ['</first>; rel="first", </v2/next>; rel="next"', 'https://r.example/v2/next'],
    ['</v2/a>; rel="prev next"', 'https://r.example/v2/a'],
    ['</v2/only>', 'https://r.example/v2/only'],
    ['</v2/prev>; rel="prev"', undefined],
    ['garbage', undefined],
  ])('%s → %s', (header, expected) => {
    expect(nextPageUrl(header, REQUEST)).toBe(expected);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it.each([
    [null, undefined],
    ['5', 5_000],
    [' 0 ', 0],
    ['Sun, 01 Mar 2026 12:00:30 GMT', 30_000],
    ['Sun, 01 Mar 2026 11:00:00 GMT', 0],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
  ])('%s → %s', (value, expected) => {
    expect(retryAfterMs(value, now)).toBe(expected);
  });
});

describe('isContentDigest', () => {
  it.each([
    [`sha256:${'a'.repeat(64)}`, true],
    [`sha512:${'0'.repeat(128)}`, true],
    ['blake3:abcDEF_-=', true],
    [`sha256:${'a'.repeat(63)}`, false],
    [`sha256:${'A'.repeat(64)}`, false],
    ['sha256', false],
    [':abc', false],
    ['SHA256:abc', false],
  ])('%s → %s', (value, expected) => {
    expect(isContentDigest(value)).toBe(expected);
  });
});
