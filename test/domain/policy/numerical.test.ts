import { describe, expect, it } from 'vitest';
import type { PolicySpec } from '../../../lib/domain/policy/types.ts';
import { selectedTag, selectWith, tagList } from './select-helper.ts';

const numerical = (order: 'asc' | 'desc'): PolicySpec => ({ choice: { kind: 'numerical', order } });

/** Every rotation of the list, forwards and backwards: Flux's test shuffles its input. */
const arrangements = (tags: readonly string[]): string[][] =>
  tags.flatMap((_, i) => {
    const rotated = [...tags.slice(i), ...tags.slice(0, i)];
    return [rotated, [...rotated].reverse()];
  });

const UNIX_TIMES = '1606234201 1606364286 1606334092 1606334284 1606334201';

describe('numerical policy (flux-policy-cases C), whatever the input order', () => {
  it.each([
    { name: 'integers', order: 'asc', tags: '-62 -88 73 72 15 16 15 29 -33 -91', latest: '73' },
    { name: 'integers', order: 'desc', tags: '5 -8 -78 25 70 -4 80 92 -20 -24', latest: '-78' },
    {
      name: 'floats',
      order: 'asc',
      tags: '47.40896403322944 -27.8520927455902 -27.930666514224427 -31.352485948094568 -50.41072694704882 -21.962849842263736 24.71884721436865 -39.99177354004344 53.47333823144817 3.2008658570411086',
      latest: '53.47333823144817',
    },
    {
      name: 'floats',
      order: 'desc',
      tags: '-65.27202780220686 57.82948329142309 22.40184684363291 -86.36934305697784 -90.29082099756083 -12.041712603564264 77.70488240399305 -38.98425003883552 16.06867070412028 53.735674335181216',
      latest: '-90.29082099756083',
    },
    { name: 'Unix timestamps', order: 'asc', tags: UNIX_TIMES, latest: '1606364286' },
    { name: 'Unix timestamps', order: 'desc', tags: UNIX_TIMES, latest: '1606234201' },
    { name: 'single value', order: 'asc', tags: '1', latest: '1' },
    { name: 'single value', order: 'desc', tags: '1', latest: '1' },
    { name: 'one non-number fails the policy', order: 'asc', tags: '0 1a b', latest: null },
    { name: 'empty list', order: 'asc', tags: '', latest: null },
  ] as const)('$name, $order → $latest', ({ order, tags, latest }) => {
    const list = tagList(tags);
    for (const arranged of list.length > 0 ? arrangements(list) : [list]) {
      expect(selectedTag(numerical(order), arranged)).toBe(latest);
    }
  });
});

describe('numerical policy: edge cases (flux-policy-cases L4)', () => {
  it.each([
    { order: 'asc', tags: '1 2 10 1.5', latest: '10' },
    { order: 'desc', tags: '1 2 10 -1.5', latest: '-1.5' },
    { order: 'asc', tags: '1 1.0', latest: '1.0', why: 'equal values: the later one wins' },
    { order: 'asc', tags: '1.0 1', latest: '1' },
    { order: 'asc', tags: '5 NaN 3', latest: '3', why: 'NaN is accepted and poisons comparisons' },
    { order: 'asc', tags: '5 latest', latest: null, why: 'latest is not a number' },
    { order: 'asc', tags: '0x1p4 15 1_7', latest: '1_7', why: 'Go syntax: hex float 16, underscores 17' },
    { order: 'asc', tags: '5 1e400', latest: null, why: 'out of float64 range is an error in Go' },
    {
      order: 'asc',
      tags: '9007199254740993 9007199254740992',
      latest: '9007199254740992',
      why: 'float64 rounding makes them equal',
    },
  ] as const)('$order over [$tags] → $latest', ({ order, tags, latest }) => {
    expect(selectedTag(numerical(order), tagList(tags))).toBe(latest);
  });

  it('names the offending tag', () => {
    const selection = selectWith(numerical('asc'), ['5', 'latest']);
    expect(selection).toMatchObject({
      kind: 'none',
      reason: 'tag "latest" is not a number: numerical policy needs every candidate to be numeric',
    });
  });

  it('names the extracted value and its tag when a filter extracts', () => {
    const spec: PolicySpec = { ...numerical('asc'), filterTags: { pattern: '^build-(.*)$', extract: '$1' } };
    const selection = selectWith(spec, ['build-7', 'build-x']);
    expect(selection).toMatchObject({
      kind: 'none',
      reason:
        'value "x" (extracted from tag "build-x") is not a number: numerical policy needs every candidate to be numeric',
    });
  });
});
