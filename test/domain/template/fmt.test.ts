import { describe, expect, it } from 'vitest';
import { buildTemplateData } from '../../../lib/domain/commit-message-data.ts';
import { formatFloat } from '../../../lib/domain/template/float-format.ts';
import { type GoType, T } from '../../../lib/domain/template/go-types.ts';
import { GoStruct } from '../../../lib/domain/template/go-values.ts';
import { render } from './render.ts';

const POINT: GoType = {
  name: 'main.Point',
  kind: 'struct',
  fields: [
    { name: 'X', type: T.int },
    { name: 'Label', type: T.string },
  ],
};

const data = {
  point: new GoStruct(POINT, [3n, 'p']),
  name: buildTemplateData({ automation: { namespace: 'ns', name: 'auto' }, changes: [] }).values[0],
};

describe('printf verbs, flags, width and precision (Go fmt)', () => {
  it.each([
    ['%s', '{{ printf "%s|%s" "hi" "" }}', 'hi|'],
    ['%d', '{{ printf "%d %d %d" 42 -7 0 }}', '42 -7 0'],
    ['%v of scalars', '{{ printf "%v %v %v %v" 1 1.5 "s" true }}', '1 1.5 s true'],
    [
      '%v of a list and a map',
      '{{ printf "%v %v" (list 1 "a" nil) (dict "b" 2 "a" 1) }}',
      '[1 a <nil>] map[a:1 b:2]',
    ],
    [
      '%v, %+v, %#v of a struct',
      '{{ printf "%v %+v %#v" .point .point .point }}',
      '{3 p} {X:3 Label:p} main.Point{X:3, Label:"p"}',
    ],
    [
      '%#v of lists, maps, strings',
      '{{ printf "%#v %#v %#v" (list "a" 1) (dict "k" 1) "s" }}',
      '[]interface {}{"a", 1} map[string]interface {}{"k":1} "s"',
    ],
    [
      'String() methods',
      '{{ printf "%v %s %+v %q" .name .name .name .name }}',
      'ns/auto ns/auto ns/auto "ns/auto"',
    ],
    [
      'String() is not used for %d or %#v',
      '{{ printf "%d|%#v" .name .name }}',
      '{%!d(string=ns) %!d(string=auto)}|types.NamespacedName{Namespace:"ns", Name:"auto"}',
    ],
    ['%q', '{{ printf "%q %q %#q %+q" "a\\"b" 65 "x" "é" }}', '"a\\"b" \'A\' `x` "\\u00e9"'],
    ['%t', '{{ printf "%t %t" true false }}', 'true false'],
    [
      '%x %X',
      '{{ printf "%x %X %x %#x %x % x %#X" 255 255 -255 255 "hi" "hi" "hi" }}',
      'ff FF -ff 0xff 6869 68 69 0X6869',
    ],
    [
      '%o %O %b %c %U',
      '{{ printf "%o %O %#o %b %c %U %#U" 8 8 8 5 65 0x1F600 0x1F600 }}',
      "10 0o10 010 101 A U+1F600 U+1F600 '😀'",
    ],
    [
      'width and left alignment',
      '{{ printf "[%5s][%-5s][%5d][%-5d]" "ab" "ab" 42 42 }}',
      '[   ab][ab   ][   42][42   ]',
    ],
    ['width counts runes', '{{ printf "[%4s]" "é" }}', '[   é]'],
    ['precision truncates strings by rune', '{{ printf "[%.1s][%5.2s]" "héllo" "héllo" }}', '[h][   hé]'],
    ['zero padding keeps the sign first', '{{ printf "%05d %05d %-05d|" 42 -42 42 }}', '00042 -0042 42   |'],
    ['sign flags', '{{ printf "%+d % d %+d" 5 5 -5 }}', '+5  5 -5'],
    [
      '%f and precision',
      '{{ printf "%f %.2f %8.3f %08.3f %.0f" 1.5 3.14159 3.14159 -3.14159 7.0 }}',
      '1.500000 3.14    3.142 -003.142 7',
    ],
    ['%.0f rounds half to even', '{{ printf "%.0f %.0f %.0f %.1f" 0.5 1.5 2.5 0.25 }}', '0 2 2 0.2'],
    ['%e %E', '{{ printf "%e %E %.2e" 1234.5678 0.5 -0.000123 }}', '1.234568e+03 5.000000E-01 -1.23e-04'],
    [
      '%g %G',
      '{{ printf "%g %g %G %.3g %g" 100000.0 1e6 1e-7 3.14159 0.0001 }}',
      '100000 1e+06 1E-07 3.14 0.0001',
    ],
    [
      '%v of floats is the shortest %g',
      '{{ printf "%v %v %v %v %v" 1e21 1e20 0.1 123456789.0 2.5e-5 }}',
      '1e+21 1e+20 0.1 1.23456789e+08 2.5e-05',
    ],
    ['%6.2v', '{{ printf "[%6.2v]" 3.14159 }}', '[   3.1]'],
    [
      '%T',
      '{{ printf "%T %T %T %T %T %T %T" 1 1.5 "s" true (list) (dict) (add 1 2) }}',
      'int float64 string bool []interface {} map[string]interface {} int64',
    ],
    ['%T of nil', '{{ printf "%T" nil }}', '<nil>'],
    ['* width and precision', '{{ printf "[%*d][%-*d][%.*f]" 5 1 5 1 2 3.14159 }}', '[    1][1    ][3.14]'],
    ['argument indexes', '{{ printf "%[2]d %[1]d %d" 1 2 }}', '2 1 2'],
    ['%% is a literal percent', '{{ printf "100%%" }}', '100%'],
  ])('%s', (_name, text, expected) => {
    expect(render(text, data)).toBe(expected);
  });

  it.each([
    ['wrong verb for the type', '{{ printf "%d %t %s" "x" 1 2 }}', '%!d(string=x) %!t(int=1) %!s(int=2)'],
    ['wrong verb inside a list', '{{ printf "%s" (list 1 "a") }}', '[%!s(int=1) a]'],
    ['missing argument', '{{ printf "%d %d" 1 }}', '1 %!d(MISSING)'],
    ['extra arguments', '{{ printf "x" 1 "a" }}', 'x%!(EXTRA int=1, string=a)'],
    ['bad index', '{{ printf "%[3]d" 1 }}', '%!d(BADINDEX)'],
    ['no verb', '{{ printf "50%" }}', '50%!(NOVERB)'],
    ['nil with a value verb', '{{ printf "%v %d" nil nil }}', '<nil> %!d(<nil>)'],
  ])('error forms: %s', (_name, text, expected) => {
    expect(render(text)).toBe(expected);
  });
});

describe('strconv.FormatFloat', () => {
  it.each([
    [0, 'g', -1, '0'],
    [-0, 'g', -1, '-0'],
    [1e6, 'g', -1, '1e+06'],
    [123456, 'g', -1, '123456'],
    [0.00001, 'g', -1, '1e-05'],
    [1 / 3, 'g', -1, '0.3333333333333333'],
    [2 ** 60, 'f', -1, '1152921504606847000'],
    [0.125, 'f', 2, '0.12'],
    [0.375, 'f', 2, '0.38'],
    [9.995, 'f', 2, '9.99'],
    [2.5, 'e', 0, '2e+00'],
    [3.5, 'e', 0, '4e+00'],
    [5e-324, 'e', -1, '5e-324'],
    [1.7976931348623157e308, 'g', -1, '1.7976931348623157e+308'],
    [Number.POSITIVE_INFINITY, 'g', -1, '+Inf'],
    [Number.NaN, 'f', 2, 'NaN'],
  ] as const)('%s %s %d → %s', (v, format, prec, expected) => {
    expect(formatFloat(v, format, prec)).toBe(expected);
  });
});
