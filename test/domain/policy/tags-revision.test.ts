import { describe, expect, it } from 'vitest';
import { adler32, goJsonString, tagsRevision } from '../../../lib/domain/policy/tags-revision.ts';

describe('adler32', () => {
  it.each([
    { text: '', sum: 1 },
    { text: 'Wikipedia', sum: 300286872 },
    { text: '["d","c","b","a"]', sum: 580584407 },
  ])('$text → $sum', ({ text, sum }) => {
    expect(adler32(new TextEncoder().encode(text))).toBe(sum);
  });

  it('stays unsigned and wraps its sums on long input', () => {
    const sum = adler32(new Uint8Array(100_000).fill(255));
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(2 ** 32);
  });
});

describe('goJsonString: Go encoding/json string literals', () => {
  it.each([
    { value: 'v1.2.3', json: '"v1.2.3"' },
    { value: 'a"b\\c', json: '"a\\"b\\\\c"' },
    { value: '<tag>&', json: '"\\u003ctag\\u003e\\u0026"' },
    { value: '\n\r\t\b\f', json: '"\\n\\r\\t\\b\\f"' },
    { value: '\u0001\u001f', json: '"\\u0001\\u001f"' },
    { value: '\u2028\u2029', json: '"\\u2028\\u2029"' },
    { value: 'é😀', json: '"é😀"' },
  ])('$value → $json', ({ value, json }) => {
    expect(goJsonString(value)).toBe(json);
  });

  it('hashes the UTF-8 bytes of the escaped list', () => {
    expect(tagsRevision(['<'])).toBe(String(adler32(new TextEncoder().encode('["\\u003c"]'))));
  });
});
