// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Go Regexp.Expand templates (${name}), not JavaScript templates.
import { describe, expect, it } from 'vitest';
import { compileTagFilter, type TagFilter } from '../../../lib/domain/policy/tag-filter.ts';
import type { TagFilterSpec } from '../../../lib/domain/policy/types.ts';
import { tagList } from './select-helper.ts';

const filterOf = (spec: TagFilterSpec): TagFilter => {
  const compiled = compileTagFilter(spec);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled.filter;
};

const DEBUG_TAGS =
  '123-123.123.abcd123-debug 123-123.123.abcd123 123-123.123.abcd456-debug 123-123.123.abcd456';

describe('tag filter: values handed to the policy (flux-policy-cases D)', () => {
  it.each([
    { name: 'no pattern', pattern: '', extract: '', tags: 'a', values: 'a' },
    { name: 'prefix', pattern: '^ver', extract: '', tags: 'ver1 ver2 ver3 rel1', values: 'ver1 ver2 ver3' },
    {
      name: 'capture group',
      pattern: 'ver(\\d+)',
      extract: '$1',
      tags: 'ver1 ver2 ver3 rel1',
      values: '1 2 3',
    },
    {
      name: 'complex 1',
      pattern: '^(123-[0-9]+\\.[0-9]+\\.[a-z0-9]+-debug)',
      extract: '',
      tags: DEBUG_TAGS,
      values: '123-123.123.abcd123-debug 123-123.123.abcd456-debug',
    },
    {
      name: 'complex 2, named group',
      pattern: '^(?P<tag>123-[0-9]+\\.[0-9]+\\.[a-z0-9]+[^-debug])',
      extract: '$tag',
      tags: DEBUG_TAGS,
      values: '123-123.123.abcd123 123-123.123.abcd456',
    },
    {
      name: 'complex 3, named group anchored',
      pattern: '^(?P<tag>123-[0-9]+\\.[0-9]+\\.[a-z0-9]+$)',
      extract: '$tag',
      tags: DEBUG_TAGS,
      values: '123-123.123.abcd123 123-123.123.abcd456',
    },
  ])('$name', ({ pattern, extract, tags, values }) => {
    const filtered = filterOf({ pattern, extract }).apply(tagList(tags));
    expect([...filtered.values].sort()).toEqual(tagList(values));
  });
});

describe('tag filter: extract expansion (flux-policy-cases L5)', () => {
  it.each([
    {
      pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$',
      extract: '$ts',
      tag: 'main-abc123-1700000000',
      value: '1700000000',
    },
    { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$', extract: '$ts', tag: 'dev-abc-1', value: null },
    { pattern: 'v(\\d+)', extract: '$1x', tag: 'v12', value: '' },
    { pattern: 'v(\\d+)', extract: '${1}x', tag: 'v12', value: '12x' },
    { pattern: 'v(?P<n>\\d+)', extract: '$missing', tag: 'v12', value: '' },
    { pattern: 'rc', extract: '', tag: 'v1-rc1', value: 'v1-rc1' },
    { pattern: '', extract: '', tag: 'anything', value: 'anything' },
  ])('$pattern / $extract on $tag → $value', ({ pattern, extract, tag, value }) => {
    const filtered = filterOf({ pattern, extract }).apply([tag]);
    expect(filtered.values).toEqual(value === null ? [] : [value]);
  });

  it('expands over the leftmost match only', () => {
    expect(filterOf({ pattern: '(\\d+)', extract: '$1' }).apply(['a1-b22']).values).toEqual(['1']);
  });
});

describe('tag filter: duplicates and originals', () => {
  const filter = filterOf({ pattern: '^v(\\d+)', extract: '$1' });

  it('keeps one candidate per value, remembered with the last tag that produced it', () => {
    // Flux 2.7 stores tags in descending byte order, so the last producer is the smallest tag.
    const filtered = filter.apply(['v2-b', 'v1-b', 'v2-a', 'v1-a', 'x']);
    expect(filtered.values).toEqual(['2', '1']);
    expect(filtered.originalOf('2')).toBe('v2-a');
    expect(filtered.originalOf('1')).toBe('v1-a');
    expect(filtered.collapsed).toEqual({ count: 2, sample: ['v2-b', 'v1-b'] });
    expect(filtered.dropped).toEqual({ count: 1, sample: ['x'] });
  });

  it('caps the samples but counts everything', () => {
    const tags = Array.from({ length: 10_000 }, (_, i) => `other-${i}`);
    const filtered = filter.apply(tags);
    expect(filtered.dropped.count).toBe(10_000);
    expect(filtered.dropped.sample).toHaveLength(20);
  });
});

describe('tag filter: hostile patterns', () => {
  it('evaluates ^(a+)+$ against a 40-character tag in milliseconds', () => {
    const filter = filterOf({ pattern: '^(a+)+$', extract: '$1' });
    const started = performance.now();
    const filtered = filter.apply([`${'a'.repeat(39)}b`, 'a'.repeat(40)]);
    expect(filtered.values).toEqual(['a'.repeat(40)]);
    expect(filtered.dropped.count).toBe(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reports an invalid pattern with Flux wording', () => {
    expect(compileTagFilter({ pattern: '(?=x)' })).toEqual({
      ok: false,
      message:
        'invalid regular expression pattern "(?=x)": error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
    });
  });
});
