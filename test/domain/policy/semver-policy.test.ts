import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../../lib/domain/policy/compile-policy.ts';
import { selectedTag, selectWith, semver, tagList } from './select-helper.ts';

describe('semver policy: latest selection (flux-policy-cases A2)', () => {
  it.each([
    {
      name: 'four-part and suffixed tags are skipped',
      range: '1.0.x',
      tags: '1.0.0 1.0.0.1 1.0.0p 1.0.1 1.2.0 0.1.0',
      latest: '1.0.1',
    },
    {
      name: 'the v prefix is kept in the answer',
      range: '1.0.x',
      tags: 'v1.2.3 v1.0.0 v0.1.0',
      latest: 'v1.0.0',
    },
    {
      name: 'nothing parses with another prefix',
      range: '1.0.x',
      tags: 'b1.2.3 b1.0.0 b0.1.0',
      latest: null,
    },
    { name: 'empty list', range: '1.0.x', tags: '', latest: null },
    { name: 'no tag in range', range: '1.0.x', tags: '1.2.0', latest: null },
  ])('$name', ({ range, tags, latest }) => {
    expect(selectedTag(semver(range), tagList(tags))).toBe(latest);
  });
});

// One tag list, many ranges: the Flux 2.7 column of the verified-library table.
const L2_TAGS = tagList('1.0.0 1.0.1 1.1.0-rc.1 1.1.0 1.2.0-alpha 2.0.0-rc.1 2.0.0 v2.1.0 3.0.0-beta latest');

describe('semver policy: range evaluation in Flux 2.7 (flux-policy-cases L2)', () => {
  it.each([
    { range: '1.0.x', latest: '1.0.1' },
    { range: '1.x', latest: '1.1.0' },
    { range: '^1.0.0', latest: '1.1.0' },
    { range: '~1.0', latest: '1.0.1' },
    { range: '~>1.0', latest: '1.0.1' },
    { range: '>=1.0.0', latest: 'v2.1.0' },
    { range: '=>1.0.0', latest: 'v2.1.0' },
    { range: '*', latest: 'v2.1.0' },
    { range: 'x', latest: 'v2.1.0' },
    { range: '>1.0', latest: 'v2.1.0' },
    { range: '>=1.0.0-0', latest: '3.0.0-beta' },
    { range: '>=1.0.0-0 <2.0.0', latest: '2.0.0-rc.1' },
    { range: '>=1.0.0-0,<2.0.0', latest: '2.0.0-rc.1' },
    { range: '>=1.0.0 <2.0.0-0', latest: '1.2.0-alpha' },
    { range: '!=2.0.0', latest: 'v2.1.0' },
    { range: '>= 1.0.0 < 2.0.0', latest: '1.1.0' },
    { range: '>=1.0.0,<2.0.0', latest: '1.1.0' },
    { range: '1.0.0 - 1.1.0', latest: '1.1.0' },
    { range: '1.0.0 || 2.x', latest: 'v2.1.0' },
    { range: '=1.1.0', latest: '1.1.0' },
    { range: '1.1.0', latest: '1.1.0' },
    { range: '>=2.0.0-rc.0', latest: '3.0.0-beta' },
    { range: '2.0.0-rc.1', latest: '2.0.0-rc.1' },
    { range: '~2.0.0-0', latest: '2.0.0' },
    { range: '^2.0.0-0', latest: 'v2.1.0' },
    { range: '<=1.1', latest: '1.1.0' },
    { range: '1.0.0,2.0.0', latest: null },
  ])('$range → $latest', ({ range, latest }) => {
    expect(selectedTag(semver(range), L2_TAGS)).toBe(latest);
  });

  it.each(['', 'bogus'])('%j is an invalid policy', (range) => {
    expect(compilePolicy(semver(range)).ok).toBe(false);
  });
});

describe('semver policy: orderings and ties (flux-policy-cases L3)', () => {
  it.each([
    { range: '>=1.0.0-0', tags: '1.0.1-rc9 1.0.1-rc10', latest: '1.0.1-rc9' },
    { range: '>=1.0.0-0', tags: '1.0.1-rc.9 1.0.1-rc.10', latest: '1.0.1-rc.10' },
    { range: '>=1.0.0-0', tags: '1.0.1-alpha 1.0.1-alpha.1 1.0.1-beta 1.0.1-1', latest: '1.0.1-beta' },
    { range: '*', tags: '1.2.3 v1.2.3', latest: '1.2.3' },
    { range: '*', tags: 'v1.2.3 1.2.3', latest: 'v1.2.3' },
    { range: '*', tags: '1.2.3+b2 1.2.3+b1', latest: '1.2.3+b2' },
    { range: 'v1.0.x', tags: '1.0.0 v1.0.5', latest: 'v1.0.5' },
    { range: '^0.2.3', tags: '0.2.3 0.2.9 0.3.0', latest: '0.2.9' },
    { range: '~0.2', tags: '0.2.1 0.3.0', latest: '0.2.1' },
    { range: '^0.0.3', tags: '0.0.3 0.0.4', latest: '0.0.3' },
    { range: '1.2.x', tags: '1.2.0 1.2.9-rc.1 1.2.8', latest: '1.2.8' },
    { range: '^1.x-0', tags: '1.0.0 1.5.0-rc.1 2.0.0-rc.1', latest: '1.5.0-rc.1' },
    { range: '>=1.0.0 <=1.5.0', tags: '1.5.0-rc.1 1.5.0 1.4.0', latest: '1.5.0' },
    { range: '~1.2.3', tags: '1.2.3 1.2.9 1.3.0', latest: '1.2.9' },
    { range: '1.2', tags: '1.2.0 1.2.5 1.3.0', latest: '1.2.5' },
    { range: '=1.2', tags: '1.2.0 1.2.5 1.3.0', latest: '1.2.5' },
    { range: '>2.0', tags: '2.0.5 2.1.0', latest: '2.1.0' },
    { range: '<2', tags: '1.9.9 2.0.0-rc.1', latest: '1.9.9' },
    { range: '<2.0.0', tags: '1.9.9 2.0.0-rc.1', latest: '1.9.9' },
    { range: '1.x || >=3.0.0-0', tags: '1.5.0 3.0.0-rc.1 2.5.0', latest: '3.0.0-rc.1' },
  ])('$range over [$tags] → $latest', ({ range, tags, latest }) => {
    expect(selectedTag(semver(range), tagList(tags))).toBe(latest);
  });
});

describe('semver policy: Flux 2.7 tag parsing in selection (flux-policy-cases L1)', () => {
  it.each([
    { range: '*', tags: '1.2 1 1.2.3.4 V1.2.3 vv1.2.3', latest: null },
    { range: '>=2025.0.0', tags: '2024.12.31 2025.01.02', latest: '2025.01.02' },
    { range: '>=1.0.0', tags: '01.2.3 1.1.0', latest: '01.2.3' },
    { range: '>=1.0.0', tags: '1.2.3+build.5 1.2.2', latest: '1.2.3+build.5' },
  ])('$range over [$tags] → $latest', ({ range, tags, latest }) => {
    expect(selectedTag(semver(range), tagList(tags))).toBe(latest);
  });
});

describe('semver policy: trace', () => {
  it('records non-versions and out-of-range versions', () => {
    const selection = selectWith(semver('1.0.x'), tagList('latest 1.0.0 2.0.0 main 1.0.1'));
    expect(selection).toMatchObject({ kind: 'selected', tag: '1.0.1' });
    expect(selection.trace.semver).toEqual({
      notVersions: { count: 2, sample: ['latest', 'main'] },
      outOfRange: { count: 1, sample: ['2.0.0'] },
    });
  });

  it('explains an empty result', () => {
    const selection = selectWith(semver('1.0.x'), tagList('latest 2.0.0'));
    expect(selection.kind).toBe('none');
    if (selection.kind === 'none') {
      expect(selection.reason).toBe(
        'no tag satisfies semver range "1.0.x" (1 not versions, 1 versions out of range)',
      );
    }
  });
});
