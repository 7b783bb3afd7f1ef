import { describe, expect, it } from 'vitest';
import {
  compareSemver,
  formatSemver,
  parseSemver,
  parseUint64,
  type SemverVersion,
} from '../../../lib/domain/policy/semver-version.ts';

const version = (text: string): SemverVersion => {
  const parsed = parseSemver(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.message}`);
  return parsed.version;
};

describe('parseSemver (Masterminds v3.4.0 NewVersion, coerce mode)', () => {
  it.each([
    { text: '1', as: '1.0.0' },
    { text: '1.2', as: '1.2.0' },
    { text: 'v1.2.3', as: '1.2.3' },
    { text: '007.08.09', as: '7.8.9' },
    { text: '1.2.3-0', as: '1.2.3-0' },
    { text: '1.2.3-alpha.-1', as: '1.2.3-alpha.-1' },
    { text: '1.2.3+build.01', as: '1.2.3+build.01' },
    { text: '18446744073709551615.0.0', as: '18446744073709551615.0.0' },
  ])('accepts $text as $as', ({ text, as }) => {
    expect(formatSemver(version(text))).toBe(as);
  });

  it.each([
    { text: '', message: 'invalid semantic version' },
    { text: 'V1.2.3', message: 'invalid semantic version' },
    { text: '1.2.3-01', message: 'version segment starts with 0' },
    { text: '1.2.3-a..b', message: 'invalid semantic version' },
    { text: '1.2.3+', message: 'invalid semantic version' },
    { text: '18446744073709551616.0.0', message: 'error parsing version segment: value out of range' },
    { text: '1.2.3\n', message: 'invalid semantic version' },
  ])('rejects $text', ({ text, message }) => {
    expect(parseSemver(text)).toEqual({ ok: false, message });
  });

  it('parses uint64 the Go way', () => {
    expect(parseUint64('0018')).toBe(18n);
    expect(parseUint64('+1')).toBeUndefined();
    expect(parseUint64('1_0')).toBeUndefined();
    expect(parseUint64('')).toBeUndefined();
  });
});

describe('compareSemver', () => {
  it.each([
    { a: '1.0.0', b: '2.0.0', order: -1 },
    { a: '1.10.0', b: '1.9.0', order: 1 },
    { a: '1.0.0-rc.1', b: '1.0.0', order: -1, why: 'a pre-release is below its release' },
    { a: '1.0.1-rc9', b: '1.0.1-rc10', order: 1, why: 'alphanumeric identifiers compare as ASCII' },
    { a: '1.0.1-rc.9', b: '1.0.1-rc.10', order: -1, why: 'numeric identifiers compare as numbers' },
    { a: '1.0.1-alpha', b: '1.0.1-alpha.1', order: -1, why: 'shorter identifier list is lower' },
    { a: '1.0.1-1', b: '1.0.1-alpha', order: -1, why: 'numeric below alphanumeric' },
    { a: '1.0.1-beta', b: '1.0.1-alpha.1', order: 1 },
    { a: '1.2.3+b1', b: '1.2.3+b2', order: 0, why: 'build metadata is ignored' },
    { a: 'v1.2.3', b: '1.2.3', order: 0 },
    {
      a: '1.0.0-99999999999999999999',
      b: '1.0.0-alpha',
      order: -1,
      why: 'beyond uint64 it is a word, and 9 < a',
    },
  ])('$a vs $b → $order', ({ a, b, order }) => {
    expect(compareSemver(version(a), version(b))).toBe(order);
    expect(compareSemver(version(b), version(a))).toBe(-order || 0);
  });
});
