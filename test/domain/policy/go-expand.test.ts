// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Go Regexp.Expand templates (${name}), not JavaScript templates.
import { describe, expect, it } from 'vitest';
import { expandGoTemplate } from '../../../lib/domain/policy/go-expand.ts';

// One match of `v(?P<n>\d+)(-(?P<suffix>\w+))?` against `v12` (group 2 and suffix did not participate)
// plus a second, fully matched variant against `v12-rc`.
const UNMATCHED_SUFFIX = ['v12', '12', undefined, undefined];
const WITH_SUFFIX = ['v12-rc', '12', '-rc', 'rc'];
const NAMES = new Map([
  ['n', 1],
  ['suffix', 3],
]);

describe('expandGoTemplate: Go Regexp.Expand rules', () => {
  it.each([
    { template: '$1', out: '12', why: 'group number' },
    { template: '$0', out: 'v12', why: 'whole match' },
    { template: '$n', out: '12', why: 'group name' },
    { template: '${n}', out: '12', why: 'braced name' },
    { template: '${1}x', out: '12x', why: 'braces end the name' },
    { template: '$1x', out: '', why: 'greedy name: group "1x" does not exist' },
    { template: '$n_2', out: '', why: 'underscore and digits extend the name' },
    { template: '$n-$n', out: '12-12', why: 'a hyphen ends the name' },
    { template: 'a$$b', out: 'a$b', why: '$$ is a dollar' },
    { template: '$$1', out: '$1', why: 'escaped dollar then text' },
    { template: '$', out: '$', why: 'lone dollar kept' },
    { template: 'x$', out: 'x$', why: 'trailing dollar kept' },
    { template: '$-', out: '$-', why: 'no name: dollar kept' },
    { template: '${', out: '${', why: 'unterminated brace kept' },
    { template: '${1', out: '${1', why: 'missing closing brace kept' },
    { template: '${}', out: '${}', why: 'empty name kept' },
    { template: '${1 }', out: '${1 }', why: 'a space cannot be in a braced name' },
    { template: '$missing', out: '', why: 'unknown name' },
    { template: '$2', out: '', why: 'group did not participate' },
    { template: '$suffix', out: '', why: 'named group did not participate' },
    { template: '$9', out: '', why: 'no such group number' },
    { template: '$01', out: '', why: 'leading zero: a name, not a number' },
    { template: '$1000000000', out: '', why: 'numbers from 1e8 up are names' },
    { template: 'x$éy', out: 'x', why: 'non-ASCII letters extend a name too' },
    { template: 'tag-$n.$1', out: 'tag-12.12', why: 'a dot ends the name' },
  ])('$template → $out ($why)', ({ template, out }) => {
    expect(expandGoTemplate(template, UNMATCHED_SUFFIX, NAMES)).toBe(out);
  });

  it('expands participating optional groups', () => {
    expect(expandGoTemplate('$n-$suffix ${2}', WITH_SUFFIX, NAMES)).toBe('12-rc -rc');
  });

  it('copies a template without references unchanged', () => {
    expect(expandGoTemplate('constant', WITH_SUFFIX, NAMES)).toBe('constant');
  });
});
