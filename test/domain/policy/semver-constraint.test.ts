import { describe, expect, it } from 'vitest';
import { constraintsAdmit, parseConstraints } from '../../../lib/domain/policy/semver-constraint.ts';
import { parseSemver } from '../../../lib/domain/policy/semver-version.ts';

const admits = (range: string, text: string): boolean => {
  const parsed = parseConstraints(range);
  const version = parseSemver(text);
  if (!parsed.ok || !version.ok) throw new Error(`bad fixture ${range} / ${text}`);
  return constraintsAdmit(parsed.constraints, version.version);
};

const problem = (range: string): string | undefined => {
  const parsed = parseConstraints(range);
  return parsed.ok ? undefined : parsed.message;
};

describe('parseConstraints: ranges accepted and rejected by Flux (flux-policy-cases A1)', () => {
  it.each(['1.0.x', '^1.0', '=1.0.0', '~1.0', '>=1.0', '>0,<2.0'])('accepts %s', (range) => {
    expect(problem(range)).toBeUndefined();
  });

  it.each(['1.0.0p', '1x', 'x1', '-1', 'a', '', '*-*'])('rejects %j', (range) => {
    expect(problem(range)).toBeDefined();
  });
});

describe('parseConstraints: syntax edge cases (Masterminds v3.4.0)', () => {
  it.each([
    { range: '>=1.0.0 <2.0.0', why: 'space means AND' },
    { range: '>=1.0.0, <2.0.0', why: 'comma means AND' },
    { range: '>= 1.0.0 , < 2.0.0', why: 'spaces around operators and commas' },
    { range: '  1.2.3  ', why: 'surrounding spaces' },
    { range: '1.0.0 - 2.0.0', why: 'hyphen range' },
    { range: '1.0.0 - 2.0.0 || 3.x', why: 'hyphen range inside an OR' },
    { range: '=>1.0', why: '=> is >=' },
    { range: '=<1.0', why: '=< is <=' },
    { range: '~>1.2', why: '~> is ~' },
    { range: '!=1.2.x', why: 'not-equal with a wildcard' },
    { range: 'v1.x', why: 'v prefix' },
    { range: '*', why: 'star' },
    { range: 'X', why: 'capital X wildcard' },
    { range: '1.2.3+build', why: 'metadata' },
    { range: '^1.x-0', why: 'wildcard with a pre-release' },
    { range: '>=01.02.03', why: 'leading zeros are coerced' },
    { range: '1.0.0\t||\t2.0.0', why: 'tabs are \\s' },
  ])('accepts $range ($why)', ({ range }) => {
    expect(problem(range)).toBeUndefined();
  });

  it.each([
    { range: '', message: 'improper constraint: ' },
    { range: 'bogus', message: 'improper constraint: bogus' },
    { range: '1.x.y', message: 'improper constraint: 1.x.y' },
    { range: '1.0.0-2.0.0', message: undefined, why: 'no spaces: 1.0.0 with pre-release 2.0.0' },
    { range: '1.0.0 -2.0.0', message: 'improper constraint: 1.0.0 -2.0.0' },
    { range: '>1.0<2.0', message: 'improper constraint: >1.0<2.0' },
    { range: '1.2.3.4', message: 'improper constraint: 1.2.3.4' },
    { range: '1.0 ||', message: 'improper constraint: ' },
    { range: '1|2', message: 'constraint parser error', why: "'|' is inside the version character class" },
    { range: 'xx', message: 'constraint parser error' },
    { range: '99999999999999999999', message: 'constraint parser error', why: 'beyond uint64' },
    { range: '1.0.0\u000b', message: 'improper constraint: 1.0.0\u000b', why: 'vertical tab is not Go \\s' },
    {
      range: '>=1.0.0 \u00a0',
      message: 'improper constraint: >=1.0.0 \u00a0',
      why: 'no-break space is not Go \\s',
    },
  ])('$range → $message', ({ range, message }) => {
    expect(problem(range)).toBe(message);
  });
});

describe('constraintsAdmit: operators', () => {
  it.each([
    { range: '1.2.3', version: '1.2.3', admitted: true },
    { range: '1.2.3', version: '1.2.4', admitted: false },
    { range: '1.2', version: '1.2.9', admitted: true, why: 'missing patch is a wildcard' },
    { range: '1', version: '1.9.0', admitted: true },
    { range: '1', version: '2.0.0', admitted: false },
    { range: '!=1.2.x', version: '1.2.5', admitted: false },
    { range: '!=1.2.x', version: '1.3.0', admitted: true },
    { range: '!=1.x', version: '1.9.9', admitted: false },
    { range: '>1', version: '1.9.9', admitted: false, why: '>1 needs 2.0.0 or more' },
    { range: '>1.1', version: '1.1.9', admitted: false, why: '>1.1 needs 1.2.0 or more' },
    { range: '>1.1', version: '1.2.0', admitted: true },
    { range: '<=1.1', version: '1.1.9', admitted: true, why: '<=1.1 includes all of 1.1.x' },
    { range: '<=1', version: '1.99.0', admitted: true },
    { range: '<=1', version: '2.0.0', admitted: false },
    { range: '<1.2', version: '1.1.99', admitted: true },
    { range: '~1.2.3', version: '1.2.9', admitted: true },
    { range: '~1.2.3', version: '1.3.0', admitted: false },
    { range: '~1', version: '1.9.0', admitted: true },
    { range: '~*', version: '7.0.0', admitted: true },
    { range: '^1.2.3', version: '1.9.0', admitted: true },
    { range: '^1.2.3', version: '2.0.0', admitted: false },
    { range: '^0.2.3', version: '0.2.9', admitted: true },
    { range: '^0.2.3', version: '0.3.0', admitted: false },
    { range: '^0.0.3', version: '0.0.4', admitted: false },
    { range: '^0.0', version: '0.0.9', admitted: true },
    { range: '^0.0', version: '0.1.0', admitted: false },
    { range: '^0', version: '0.9.0', admitted: true },
    { range: '^*', version: '1.0.0', admitted: false, why: 'as written in v3.4.0: ^* behaves as ^0.0' },
    { range: '*', version: '1.0.0-rc.1', admitted: false, why: 'no pre-release requested' },
    { range: '*-0', version: '1.0.0-rc.1', admitted: true },
  ])('$range admits $version: $admitted', ({ range, version, admitted }) => {
    expect(admits(range, version)).toBe(admitted);
  });
});

describe('constraintsAdmit: v3.4.0 pre-release rules', () => {
  it.each([
    {
      range: '>=1.0.0-0 <2.0.0',
      version: '2.0.0-rc.1',
      admitted: true,
      why: 'one pre-release comparator opens the group',
    },
    { range: '>=1.0.0-0,<2.0.0', version: '1.5.0-beta', admitted: true, why: 'same with a comma' },
    {
      range: '>=1.0.0 <2.0.0-0',
      version: '1.2.0-alpha',
      admitted: true,
      why: 'the upper bound opens it too',
    },
    { range: '>=1.0.0 <2.0.0', version: '1.5.0-beta', admitted: false, why: 'nobody asked for pre-releases' },
    {
      range: '!=2.0.0',
      version: '3.0.0-beta',
      admitted: false,
      why: '!= excludes pre-releases unless requested',
    },
    { range: '!=2.0.0-0', version: '3.0.0-beta', admitted: true },
    {
      range: '1.x || >=3.0.0-0',
      version: '3.0.0-rc.1',
      admitted: true,
      why: 'only the second OR group opens',
    },
    { range: '>=3.0.0-0 || 1.x', version: '1.5.0-rc.1', admitted: false, why: 'the 1.x group stays closed' },
    { range: '1.2.x', version: '1.2.9-rc.1', admitted: false },
    { range: '~2.0.0-0', version: '2.0.0-rc.1', admitted: true },
  ])('$range admits $version: $admitted ($why)', ({ range, version, admitted }) => {
    expect(admits(range, version)).toBe(admitted);
  });
});
