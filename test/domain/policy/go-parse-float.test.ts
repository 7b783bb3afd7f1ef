import { describe, expect, it } from 'vitest';
import { parseGoFloat } from '../../../lib/domain/policy/go-parse-float.ts';

describe("parseGoFloat: Go strconv.ParseFloat syntax (flux-policy-cases L4 and Go's rules)", () => {
  it.each([
    { text: '-1', value: -1 },
    { text: '+5', value: 5 },
    { text: '01', value: 1 },
    { text: '5.', value: 5 },
    { text: '.5', value: 0.5 },
    { text: '1e3', value: 1000 },
    { text: '1E3', value: 1000 },
    { text: '1e+3', value: 1000 },
    { text: '1.5e-3', value: 0.0015 },
    { text: '0x1p4', value: 16 },
    { text: '0X1P-2', value: 0.25 },
    { text: '0x1.8p1', value: 3 },
    { text: '0x.8p1', value: 1 },
    { text: '-0x1p4', value: -16 },
    { text: '0x_1p4', value: 16, why: 'underscore after the base prefix' },
    { text: '1_000', value: 1000 },
    { text: '1_000.000_1', value: 1000.0001 },
    { text: '1e1_0', value: 1e10, why: 'underscores in the exponent' },
    { text: '0_1', value: 1 },
    { text: 'Inf', value: Number.POSITIVE_INFINITY },
    { text: 'inf', value: Number.POSITIVE_INFINITY },
    { text: '+INF', value: Number.POSITIVE_INFINITY },
    { text: '-infinity', value: Number.NEGATIVE_INFINITY },
    { text: 'Infinity', value: Number.POSITIVE_INFINITY },
    { text: 'NaN', value: Number.NaN },
    { text: 'nan', value: Number.NaN },
    { text: '1e-400', value: 0, why: 'underflow is not an error' },
    { text: '0x1p-1074', value: 5e-324 },
    { text: '0x1p-1075', value: 0, why: 'exactly half the smallest subnormal rounds to even (0)' },
    { text: '0x3p-1076', value: 5e-324, why: 'three quarters rounds up' },
    { text: '0x1.fffffffffffffp1023', value: Number.MAX_VALUE },
    { text: '1.7976931348623157e308', value: Number.MAX_VALUE },
    { text: '9007199254740993', value: 9007199254740992, why: 'round half to even' },
    { text: '0x20000000000001p0', value: 9007199254740992, why: 'hex rounds half to even too' },
    { text: '0x20000000000003p0', value: 9007199254740996 },
    { text: '0.00000000000000000000000000000000000000001e41', value: 1 },
  ])('$text → $value', ({ text, value }) => {
    expect(parseGoFloat(text)).toEqual({ ok: true, value });
  });

  it('keeps the sign of zero', () => {
    const parsed = parseGoFloat('-0');
    expect(parsed.ok && Object.is(parsed.value, -0)).toBe(true);
  });

  it.each([
    '',
    ' 5',
    '5 ',
    '1.2.3',
    'v1',
    '0x10',
    '0x1_0',
    '0x',
    '0x1p',
    '0xp4',
    '.',
    '-',
    'e5',
    '1e',
    '1e+',
    '_1',
    '1_',
    '1__0',
    '1_.5',
    '1._5',
    '0x1p4_',
    '+nan',
    '-NaN',
    'nanx',
    'infin',
    'infinityy',
    '1a',
    '١',
  ])('%j is a syntax error', (text) => {
    expect(parseGoFloat(text)).toEqual({ ok: false, error: 'syntax' });
  });

  it.each(['1e400', '-1e400', '1.7976931348623159e308', '0x1p1024', '0x1.fffffffffffff8p1023', '1e99999'])(
    '%j is out of range',
    (text) => {
      expect(parseGoFloat(text)).toEqual({ ok: false, error: 'range' });
    },
  );
});
