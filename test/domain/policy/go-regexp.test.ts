import { describe, expect, it } from 'vitest';
import { compileGoRegexp, type GoRegexp } from '../../../lib/domain/policy/go-regexp.ts';

const compiled = (pattern: string): GoRegexp => {
  const result = compileGoRegexp(pattern);
  if (!result.ok) throw new Error(result.message);
  return result.regexp;
};

describe('compileGoRegexp: Go RE2 syntax', () => {
  it.each([
    { pattern: '(?P<tag>v\\d+)', why: 'Go named group' },
    { pattern: '(?<tag>v\\d+)', why: 'Go 1.22 named group' },
    { pattern: '', why: 'empty pattern' },
    { pattern: '[[:alpha:]]+', why: 'POSIX class' },
    { pattern: '\\pL', why: 'Unicode class' },
    { pattern: '(?i)rc', why: 'flags' },
    { pattern: '\\Qa.b\\E', why: 'quoted literal' },
  ])('accepts $pattern ($why)', ({ pattern }) => {
    expect(compileGoRegexp(pattern).ok).toBe(true);
  });

  it.each([
    { pattern: '[=', reason: 'error parsing regexp: missing closing ]: `[=`' },
    { pattern: '^test-(.*', reason: 'error parsing regexp: missing closing ): `^test-(.*`' },
    { pattern: 'a(?=b)', reason: 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`' },
    { pattern: 'a(?!b)', reason: 'error parsing regexp: invalid or unsupported Perl syntax: `(?!`' },
    { pattern: '(?<=a)b', reason: 'error parsing regexp: invalid named capture: `(?<=a)b`' },
    { pattern: '(a)\\1', reason: 'error parsing regexp: invalid escape sequence: `\\1`' },
    { pattern: 'a**', reason: 'error parsing regexp: invalid nested repetition operator: `**`' },
    { pattern: 'a{1001}', reason: 'error parsing regexp: invalid repeat count: `{1001}`' },
    { pattern: '(?P<n>a)(?P<n>b)', reason: 'error parsing regexp: duplicate capture group name: `n`' },
  ])('rejects $pattern', ({ pattern, reason }) => {
    expect(compileGoRegexp(pattern)).toEqual({
      ok: false,
      message: `invalid regular expression pattern ${JSON.stringify(pattern)}: ${reason}`,
    });
  });
});

describe('GoRegexp matching', () => {
  it('matches anywhere unless anchored', () => {
    expect(compiled('rc').test('v1-rc1')).toBe(true);
    expect(compiled('^rc').test('v1-rc1')).toBe(false);
  });

  it('treats $ as end of text, not end of line', () => {
    expect(compiled('a$').test('a\n')).toBe(false);
  });

  it('uses Go \\s, which has no vertical tab', () => {
    expect(compiled('^\\s$').test('\u000b')).toBe(false);
    expect(compiled('^\\s$').test('\f')).toBe(true);
  });

  it('returns the leftmost-first match with groups, undefined for non-participating ones', () => {
    const regexp = compiled('(?P<major>\\d+)(\\.(?P<minor>\\d+))?');
    expect(regexp.findSubmatch('v10-2.5')).toEqual(['10', '10', undefined, undefined]);
    expect(regexp.groupIndexByName).toEqual(
      new Map([
        ['major', 1],
        ['minor', 3],
      ]),
    );
    expect(regexp.findSubmatch('none')).toBeNull();
  });

  it('prefers the first alternative, as Go (not the longest)', () => {
    expect(compiled('a|ab').findSubmatch('ab')?.[0]).toBe('a');
  });

  it('runs ^(a+)+$ against a 40-character tag in linear time', () => {
    const regexp = compiled('^(a+)+$');
    const tag = `${'a'.repeat(39)}b`;
    const started = performance.now();
    expect(regexp.test(tag)).toBe(false);
    expect(regexp.findSubmatch(tag)).toBeNull();
    expect(regexp.test('a'.repeat(40))).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
