import { describe, expect, it } from 'vitest';
import {
  compileExclusionList,
  DEFAULT_EXCLUSION_LIST,
  sortTagsDescending,
  tagsRevision,
} from '../../../lib/domain/policy/exclusion-list.ts';
import { tagList } from './select-helper.ts';

const kept = (patterns: readonly string[] | undefined, tags: string): string[] => {
  const compiled = compileExclusionList(patterns);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  return compiled.apply(tagList(tags));
};

describe('compileExclusionList (flux-policy-cases J2)', () => {
  it.each([
    { patterns: [], tags: 'a b c d', kept: 'a b c d' },
    { patterns: ['[abc]'], tags: 'a b c d', kept: 'd' },
    { patterns: ['[a]', '[d]'], tags: 'a b c d', kept: 'b c' },
    {
      patterns: ['^.*\\-alpha$', '^.*\\.sig$'],
      tags: '0.1.0 0.2.0 0.2.-alpha 0.3.0 0.4.0 0.4.0.sig',
      kept: '0.1.0 0.2.0 0.3.0 0.4.0',
    },
    { patterns: ['aaa|ccc'], tags: 'aaa bbb ccc ddd', kept: 'bbb ddd' },
    {
      patterns: undefined,
      tags: '0.1.0 0.1.1 0.1.1.sig 1.0.0-alpha 1.0.0 1.0.0.sig',
      kept: '0.1.0 0.1.1 1.0.0-alpha 1.0.0',
    },
    {
      patterns: ['^.*\\-alpha$'],
      tags: '0.1.0 0.1.1-alpha 0.1.1 0.1.1.sig 1.0.0-alpha 1.0.0',
      kept: '0.1.0 0.1.1 0.1.1.sig 1.0.0',
    },
  ])('$patterns keeps [$kept]', ({ patterns, tags, kept: expected }) => {
    expect(kept(patterns, tags)).toEqual(tagList(expected));
  });

  it('uses the default for an absent or empty list', () => {
    expect(DEFAULT_EXCLUSION_LIST).toEqual(['^.*\\.sig$']);
    expect(kept(undefined, 'a a.sig')).toEqual(['a']);
    expect(kept([], 'a a.sig')).toEqual(['a']);
  });

  it('reports every bad pattern with its index', () => {
    expect(compileExclusionList(['ok', '[=', '(?!x)'])).toEqual({
      ok: false,
      errors: [
        {
          index: 1,
          message: 'invalid regular expression pattern "[=": error parsing regexp: missing closing ]: `[=`',
        },
        {
          index: 2,
          message:
            'invalid regular expression pattern "(?!x)": error parsing regexp: invalid or unsupported Perl syntax: `(?!`',
        },
      ],
    });
  });
});

describe('sortTagsDescending: the Flux 2.7 tag store order (flux-policy-cases J1, J3)', () => {
  it.each([
    { tags: '1.0.0 0.0.8 1.2.5 3.0.1 1.0.1', first10: '3.0.1 1.2.5 1.0.1 1.0.0 0.0.8' },
    {
      tags: '1.0.0 0.0.8 1.2.5 3.0.1 1.0.1 5.1.1 4.1.0 4.5.0 4.0.3 2.2.2 0.5.1 0.1.0',
      first10: '5.1.1 4.5.0 4.1.0 4.0.3 3.0.1 2.2.2 1.2.5 1.0.1 1.0.0 0.5.1',
    },
    { tags: '-62 -88 73 72 15', first10: '73 72 15 -88 -62' },
    { tags: '-62 -88 73 72 15 16 15 29 -33 -91 100 101', first10: '73 72 29 16 15 15 101 100 -91 -88' },
    { tags: 'aaa bbb ccc', first10: 'ccc bbb aaa' },
    {
      tags: 'aaa bbb ccc ddd eee fff ggg hhh iii jjj kkk lll',
      first10: 'lll kkk jjj iii hhh ggg fff eee ddd ccc',
    },
    { tags: 'a b c d', first10: 'd c b a' },
    { tags: '1.2.3 v1.2.3 latest', first10: 'v1.2.3 latest 1.2.3' },
  ])('$tags → $first10', ({ tags, first10 }) => {
    expect(sortTagsDescending(tagList(tags)).slice(0, 10)).toEqual(tagList(first10));
  });

  it('does not modify its input', () => {
    const tags = ['a', 'c', 'b'];
    sortTagsDescending(tags);
    expect(tags).toEqual(['a', 'c', 'b']);
  });
});

describe('tagsRevision', () => {
  it.each([
    { tags: 'd c b a', revision: '580584407' },
    { tags: '', revision: '18153657' },
  ])('Adler-32 of the JSON of [$tags] is $revision', ({ tags, revision }) => {
    expect(tagsRevision(tagList(tags))).toBe(revision);
  });

  it('does not depend on the registry order once sorted (J3)', () => {
    expect(tagsRevision(sortTagsDescending(['c', 'd', 'a', 'b']))).toBe(
      tagsRevision(sortTagsDescending(['c', 'b', 'a', 'd'])),
    );
  });
});
