import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../../lib/domain/policy/compile-policy.ts';
import type { PolicySpec } from '../../../lib/domain/policy/types.ts';
import { selectedTag, tagList } from './select-helper.ts';

const alphabetical = (order: 'asc' | 'desc'): PolicySpec => ({ choice: { kind: 'alphabetical', order } });

const UBUNTU_CALVER = '16.04 16.04.1 16.10 20.04 20.10';
const UBUNTU_NAMES = 'xenial yakkety zesty artful bionic';
const UNIX_TIMES = '1606234201 1606364286 1606334092 1606334284 1606334201';
const RFC3339ISH =
  '2021-01-08T21-18-21Z 2020-05-08T21-18-21Z 2021-01-08T19-20-00Z 1990-01-08T00-20-00Z 2023-05-08T00-20-00Z';

describe('alphabetical policy (flux-policy-cases B)', () => {
  it.each([
    { name: 'Ubuntu calver', order: 'asc', tags: UBUNTU_CALVER, latest: '20.10' },
    { name: 'Ubuntu calver', order: 'desc', tags: UBUNTU_CALVER, latest: '16.04' },
    { name: 'Ubuntu code names', order: 'asc', tags: UBUNTU_NAMES, latest: 'zesty' },
    { name: 'Ubuntu code names', order: 'desc', tags: UBUNTU_NAMES, latest: 'artful' },
    { name: 'Unix timestamps', order: 'asc', tags: UNIX_TIMES, latest: '1606364286' },
    { name: 'Unix timestamps', order: 'desc', tags: UNIX_TIMES, latest: '1606234201' },
    {
      name: 'prefixed timestamps',
      order: 'asc',
      tags: 'rel-1606234201 rel-1606364286 rel-1606334092 rel-1606334284 rel-1606334201',
      latest: 'rel-1606364286',
    },
    { name: 'RFC3339 with dashes', order: 'asc', tags: RFC3339ISH, latest: '2023-05-08T00-20-00Z' },
    { name: 'RFC3339 with dashes', order: 'desc', tags: RFC3339ISH, latest: '1990-01-08T00-20-00Z' },
    { name: 'empty list', order: 'asc', tags: '', latest: null },
  ] as const)('$name, $order → $latest', ({ order, tags, latest }) => {
    expect(selectedTag(alphabetical(order), tagList(tags))).toBe(latest);
  });
});

describe('alphabetical policy: byte order (flux-policy-cases L4)', () => {
  it.each([
    { order: 'asc', latest: 'v2', why: 'lowercase sorts above uppercase, uppercase above digits' },
    { order: 'desc', latest: '1.10', why: "'1' '.' '1' '0' is below '1' '.' '9'" },
  ] as const)('$order → $latest ($why)', ({ order, latest }) => {
    expect(selectedTag(alphabetical(order), tagList('1.9 1.10 v2 V3 a Z latest'))).toBe(latest);
  });

  it('compares code points, not UTF-16 units', () => {
    // U+FF5E (fullwidth tilde) is below U+1F600 in UTF-8 byte order, above it in UTF-16 units.
    expect(selectedTag(alphabetical('asc'), ['\u{ff5e}', '\u{1f600}'])).toBe('\u{1f600}');
  });
});

describe('alphabetical policy: order argument', () => {
  it.each(['asc', 'desc', 'ASC', 'Desc', ''])(
    'accepts %j (Flux upper-cases it; empty means asc)',
    (order) => {
      const spec = { choice: { kind: 'alphabetical', order } } as unknown as PolicySpec;
      expect(compilePolicy(spec).ok).toBe(true);
    },
  );

  it('defaults to ascending when the order is absent at runtime', () => {
    const spec = { choice: { kind: 'alphabetical' } } as unknown as PolicySpec;
    expect(selectedTag(spec, ['a', 'c', 'b'])).toBe('c');
  });

  it('rejects anything else on spec.policy.alphabetical.order', () => {
    const spec = { choice: { kind: 'alphabetical', order: 'sideways' } } as unknown as PolicySpec;
    expect(compilePolicy(spec)).toEqual({
      ok: false,
      errors: [
        {
          field: 'spec.policy.alphabetical.order',
          message: "invalid order argument provided: 'SIDEWAYS', must be one of: ASC, DESC",
        },
      ],
    });
  });
});
