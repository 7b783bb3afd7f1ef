import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../../lib/domain/policy/compile-policy.ts';
import type { PolicySpec } from '../../../lib/domain/policy/types.ts';
import { selectedTag, selectWith, semver, tagList } from './select-helper.ts';

describe('compilePolicy: policy choice (flux-policy-cases E)', () => {
  it.each([
    { name: 'no choice', spec: { choice: {} }, ok: false },
    { name: 'semver 1.0.x', spec: semver('1.0.x'), ok: true },
    { name: 'alphabetical without order', spec: { choice: { kind: 'alphabetical' } }, ok: true },
    { name: 'semver *-*', spec: semver('*-*'), ok: false },
  ])('$name → ok: $ok', ({ spec, ok }) => {
    expect(compilePolicy(spec as unknown as PolicySpec).ok).toBe(ok);
  });

  it('names the field for an unknown choice', () => {
    expect(compilePolicy({ choice: {} } as unknown as PolicySpec)).toEqual({
      ok: false,
      errors: [{ field: 'spec.policy', message: 'given ImagePolicyChoice object is invalid' }],
    });
  });

  it('reports an invalid range on spec.policy.semver.range', () => {
    expect(compilePolicy(semver('1.x.y'))).toEqual({
      ok: false,
      errors: [
        {
          field: 'spec.policy.semver.range',
          message: 'invalid constraint "1.x.y": improper constraint: 1.x.y',
        },
      ],
    });
  });

  it('reports a bad range and a bad pattern together', () => {
    const result = compilePolicy({ ...semver('*-*'), filterTags: { pattern: '[=' } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.field)).toEqual([
        'spec.policy.semver.range',
        'spec.filterTags.pattern',
      ]);
      expect(result.errors[1]?.message).toContain('invalid regular expression pattern "[="');
    }
  });
});

const numericalAsc: PolicySpec = { choice: { kind: 'numerical', order: 'asc' } };
const alphabeticalAsc: PolicySpec = { choice: { kind: 'alphabetical', order: 'asc' } };

describe('compilePolicy + select: the controller cases (flux-policy-cases F)', () => {
  // "Store read fails" is an I/O failure of the caller, not a policy outcome, so it has no row here.
  it.each([
    { name: 'no tags stored', spec: semver('1.0.x'), tags: '', latest: null },
    { name: 'semver, no filter', spec: semver('1.0.x'), tags: '1.0.0 2.0.0 1.0.1 1.2.0', latest: '1.0.1' },
    {
      name: 'v in range and tags',
      spec: semver('v1.0.x'),
      tags: 'v1.0.0 v2.0.0 v1.0.1 v1.2.0',
      latest: 'v1.0.1',
    },
    { name: 'v in range only', spec: semver('v1.0.x'), tags: '1.0.0 2.0.0 1.0.1 1.2.0', latest: '1.0.1' },
    { name: 'v in tags only', spec: semver('1.0.x'), tags: 'v1.0.0 v2.0.0 v1.0.1 v1.2.0', latest: 'v1.0.1' },
    {
      name: 'filter + numerical reports the original tag',
      spec: { ...numericalAsc, filterTags: { pattern: '1.0.0-rc\\.(?P<num>[0-9]+)', extract: '$num' } },
      tags: '1.0.0 1.0.0-rc.1 1.0.0-rc.2 1.0.0-rc.3 1.0.1-rc.2',
      latest: '1.0.0-rc.3',
    },
    {
      name: 'filter + alphabetical',
      spec: { ...alphabeticalAsc, filterTags: { pattern: 'foo-(?P<word>[a-z]+)', extract: '$word' } },
      tags: 'foo-aaa bar-bbb foo-zzz baz-nnn foo-ooo',
      latest: 'foo-zzz',
    },
    {
      name: 'regex extract then semver',
      spec: { ...semver('>=0.x'), filterTags: { pattern: '^test-(.*)$', extract: '$1' } },
      tags: 'test-0.1.0 test-0.1.1 dev-0.2.0 1.0.0 1.0.1 1.0.2 1.1.0-alpha',
      latest: 'test-0.1.1',
    },
  ])('$name → $latest', ({ spec, tags, latest }) => {
    expect(selectedTag(spec, tagList(tags))).toBe(latest);
  });

  it.each([
    { name: 'invalid policy', spec: { choice: {} }, badRegex: false },
    {
      name: 'invalid filter regex',
      spec: { ...semver('1.0.x'), filterTags: { pattern: '[=' } },
      badRegex: true,
    },
    {
      name: 'unterminated group',
      spec: { ...semver('>=0.x'), filterTags: { pattern: '^test-(.*' } },
      badRegex: true,
    },
  ])('$name is an invalid policy', ({ spec, badRegex }) => {
    const result = compilePolicy(spec as unknown as PolicySpec);
    expect(result.ok).toBe(false);
    if (!result.ok && badRegex) {
      expect(result.errors[0]?.message).toContain('invalid regular expression pattern');
    }
  });
});

describe('compilePolicy + select: outcomes and trace', () => {
  it('explains an empty tag list', () => {
    expect(selectWith(semver('*'), [])).toEqual({
      kind: 'none',
      reason: 'no tags to choose from',
      trace: { policy: 'semver', tagsSeen: 0, candidates: { count: 0, sample: [] } },
    });
  });

  it('explains a filter that kept nothing', () => {
    const selection = selectWith({ ...semver('*'), filterTags: { pattern: '^v' } }, ['1.0.0']);
    expect(selection).toMatchObject({ kind: 'none', reason: 'no tag matches filterTags.pattern "^v"' });
    expect(selection.trace.filter?.dropped).toEqual({ count: 1, sample: ['1.0.0'] });
  });

  it('reports the winning value and maps it to its tag', () => {
    const spec: PolicySpec = { ...semver('^1'), filterTags: { pattern: '^app-(?P<v>.+)$', extract: '$v' } };
    const selection = selectWith(spec, ['app-1.2.0', 'app-1.10.0', 'db-9.9.9']);
    expect(selection).toMatchObject({ kind: 'selected', tag: 'app-1.10.0' });
    expect(selection.trace).toMatchObject({
      policy: 'semver',
      tagsSeen: 3,
      candidates: { count: 2, sample: ['1.2.0', '1.10.0'] },
      selectedValue: '1.10.0',
    });
  });

  it('keeps the trace small for 10,000 tags', () => {
    const tags = Array.from({ length: 10_000 }, (_, i) => `build-${i}`);
    const selection = selectWith(semver('*'), tags);
    expect(selection.kind).toBe('none');
    expect(selection.trace.candidates).toEqual({ count: 10_000, sample: tags.slice(0, 20) });
    expect(selection.trace.semver?.notVersions.sample).toHaveLength(20);
  });

  it('breaks semver ties among extracted values by first appearance', () => {
    const spec: PolicySpec = {
      ...semver('*'),
      filterTags: { pattern: '^(?:rel|release)-(.+)$', extract: '$1' },
    };
    expect(selectedTag(spec, ['rel-v1.0.0', 'release-1.0.0'])).toBe('rel-v1.0.0');
    expect(selectedTag(spec, ['release-1.0.0', 'rel-v1.0.0'])).toBe('release-1.0.0');
  });

  it('keeps the spec it was compiled from', () => {
    const spec = semver('1.x');
    const compiled = compilePolicy(spec);
    expect(compiled.ok && compiled.policy.spec).toBe(spec);
  });
});
