import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../../lib/domain/errors.ts';
import { type GoType, T } from '../../../lib/domain/template/go-types.ts';
import { GoStruct } from '../../../lib/domain/template/go-values.ts';
import { executeGoTemplate, parseGoTemplate } from '../../../lib/domain/template/template.ts';
import { failure, render } from './render.ts';

const POINT: GoType = {
  name: 'main.Point',
  kind: 'struct',
  fields: [
    { name: 'X', type: T.int },
    { name: 'Label', type: T.string },
  ],
};
const point = (x: number, label: string): GoStruct => new GoStruct(POINT, [BigInt(x), label]);

describe('actions, fields, variables, pipelines', () => {
  it.each([
    ['dot', '{{ . }}', 'hi', 'hi'],
    ['field chain', '{{ .a.b }}', { a: { b: 'deep' } }, 'deep'],
    [
      'missing map key prints <no value>',
      '{{ .nope }}|{{ .nope.deeper }}',
      { a: 1 },
      '<no value>|<no value>',
    ],
    ['struct field', '{{ .X }}-{{ .Label }}', point(3, 'p'), '3-p'],
    ['$ is the data everywhere', '{{ range .list }}{{ $.name }}{{ end }}', { list: [1, 2], name: 'n' }, 'nn'],
    ['declare and assign', '{{ $x := 1 }}{{ $x = 2 }}{{ $x }}', null, '2'],
    [
      'assignment reaches an outer variable',
      '{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}',
      null,
      '2',
    ],
    [
      'a nested declaration shadows',
      '{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}',
      null,
      '21',
    ],
    ['pipeline passes the value as last argument', '{{ "b" | printf "%s-%s" "a" }}', null, 'a-b'],
    ['multi-stage pipeline', '{{ "Hello" | lower | upper }}', null, 'HELLO'],
    ['parenthesised pipeline', '{{ printf "%s" (print 1 2) }}', null, '1 2'],
    ['field of a parenthesised value', '{{ (dict "k" "v").k }}', null, 'v'],
    ['a declaration prints nothing', '{{ $x := "quiet" }}', null, ''],
    ['untyped nil inside print', '{{ print nil }}', null, '<nil>'],
    [
      'a nil list element is no value, or <nil> through fmt',
      '{{ range (list nil) }}{{ . }} {{ printf "%v" . }}{{ end }}',
      null,
      '<no value> <nil>',
    ],
    ['a missing key below a map is no value', '{{ .a.b.c }}', { a: {} }, '<no value>'],
  ])('%s', (_name, text, data, expected) => {
    expect(render(text, data)).toBe(expected);
  });
});

describe('if, with, range', () => {
  it.each([
    ['if/else', '{{ if . }}yes{{ else }}no{{ end }}', '', 'no'],
    ['else if chain', '{{ if eq . 1 }}one{{ else if eq . 2 }}two{{ else }}many{{ end }}', 2, 'two'],
    [
      'truthiness of zero values',
      '{{ if 0 }}a{{ end }}{{ if 0.0 }}b{{ end }}{{ if "" }}c{{ end }}{{ if list }}d{{ end }}{{ if dict }}e{{ end }}{{ if .nope }}f{{ end }}',
      {},
      '',
    ],
    [
      'truthiness of non-zero values',
      '{{ if 1 }}a{{ end }}{{ if "x" }}b{{ end }}{{ if list 0 }}c{{ end }}{{ if true }}d{{ end }}',
      null,
      'abcd',
    ],
    ['structs are always true', '{{ if . }}t{{ end }}', point(0, ''), 't'],
    ['with sets dot', '{{ with .a }}{{ . }}{{ end }}', { a: 'x' }, 'x'],
    ['with else', '{{ with .a }}{{ . }}{{ else }}none{{ end }}', { a: '' }, 'none'],
    ['else with chain', '{{ with 0 }}a{{ else with "" }}b{{ else with "c" }}{{ . }}{{ end }}', null, 'c'],
    ['range over a slice', '{{ range . }}<{{ . }}>{{ end }}', ['a', 'b'], '<a><b>'],
    [
      'range with index and element',
      '{{ range $i, $e := . }}{{ $i }}={{ $e }} {{ end }}',
      ['a', 'b'],
      '0=a 1=b ',
    ],
    ['range else on empty', '{{ range . }}x{{ else }}empty{{ end }}', [], 'empty'],
    ['range over nil acts as empty', '{{ range .nope }}x{{ else }}empty{{ end }}', {}, 'empty'],
    ['range over an integer', '{{ range 3 }}{{ . }}{{ end }}', null, '012'],
    [
      'break and continue',
      '{{ range . }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}',
      [1, 2, 3, 4, 5],
      '13',
    ],
    ['break skips else', '{{ range . }}{{ break }}{{ else }}E{{ end }}done', [1], 'done'],
    [
      'range assignment keeps the last element',
      '{{ $v := 0 }}{{ range $v = . }}{{ end }}{{ $v }}',
      [7, 8, 9],
      '9',
    ],
    [
      'variables declared in a loop body do not leak',
      '{{ range . }}{{ $x := . }}{{ end }}{{ if true }}ok{{ end }}',
      [1],
      'ok',
    ],
  ])('%s', (_name, text, data, expected) => {
    expect(render(text, data)).toBe(expected);
  });

  it('visits map keys in sorted byte order, whatever the insertion order', () => {
    expect(
      render('{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}', { b: 1, a: 2, B: 3, é: 4, z: 5 }),
    ).toBe('B=3;a=2;b=1;z=5;é=4;');
    expect(render('{{ range $k, $v := . }}{{ $k }};{{ end }}', { z: 1, é: 2, a: 3 })).toBe(
      render('{{ range $k, $v := . }}{{ $k }};{{ end }}', { a: 3, é: 2, z: 1 }),
    );
  });
});

describe('define, template, block', () => {
  it.each([
    ['template with dot', '{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" "arg" }}', '[arg]'],
    [
      'template without pipeline gets nil',
      '{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" }}',
      '[<no value>]',
    ],
    ['block defines and runs', '{{ block "b" 2 }}<{{ . }}>{{ end }}', '<2>'],
    [
      'variables do not cross into templates',
      '{{ define "x" }}{{ $ }}{{ end }}{{ $y := 1 }}{{ template "x" 5 }}',
      '5',
    ],
    ['text outside define is the main template', 'a{{ define "x" }}X{{ end }}b', 'ab'],
  ])('%s', (_name, text, expected) => {
    expect(render(text)).toBe(expected);
  });
});

describe('builtin functions', () => {
  it.each([
    ['and/or return an operand', '{{ and 1 0 }} {{ and 1 2 }} {{ or 0 "" }} {{ or 0 "x" }}', '0 2  x'],
    ['and/or short-circuit', '{{ or 1 (fail "never") }} {{ and 0 (fail "never") }}', '1 0'],
    ['not', '{{ not 0 }} {{ not "x" }}', 'true false'],
    [
      'len counts bytes, elements, entries',
      '{{ len "héllo" }} {{ len (list 1 2) }} {{ len (dict "a" 1) }}',
      '6 2 1',
    ],
    [
      'index slices, maps and strings',
      '{{ index (list "a" "b") 1 }} {{ index (dict "k" "v") "k" }} {{ index "abc" 0 }}',
      'b v 97',
    ],
    ['index of a missing map key is the zero value', '[{{ index (dict) "nope" }}]', '[<no value>]'],
    [
      'comparisons',
      '{{ eq 1 1 }} {{ eq "a" "b" "a" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }}',
      'true true true true true true false',
    ],
    ['print spaces non-strings', '{{ print 1 2 "a" "b" 3 }}', '1 2ab3'],
    ['println', '{{ println 1 "a" }}', '1 a\n'],
    [
      'html',
      '{{ html "<a href=\\"x\\">Tom & \'Jerry\'</a>" }}',
      '&lt;a href=&#34;x&#34;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
    ],
    ['js', '{{ js "it\'s <b>=\\"" }}', 'it\\\'s \\u003Cb\\u003E\\u003D\\"'],
    ['urlquery', '{{ urlquery "a b&c/é" }}', 'a+b%26c%2F%C3%A9'],
  ])('%s', (_name, text, expected) => {
    expect(render(text)).toBe(expected);
  });
});

describe('execution errors name the position and context', () => {
  it.each([
    [
      'unknown field',
      '{{ .Foo }}',
      'str',
      'template: t:1:3: executing "t" at <.Foo>: can\'t evaluate field Foo in type string',
    ],
    [
      'unknown struct field',
      'x\n  {{ .Y }}',
      point(1, 'a'),
      'template: t:2:5: executing "t" at <.Y>: can\'t evaluate field Y in type main.Point',
    ],
    [
      'arguments to a field',
      '{{ .X 1 }}',
      point(1, 'a'),
      'template: t:1:3: executing "t" at <.X>: X has arguments but cannot be invoked as function',
    ],
    [
      'wrong argument count',
      '{{ lower "a" "b" }}',
      null,
      'template: t:1:3: executing "t" at <lower>: wrong number of args for lower: want 1 got 2',
    ],
    [
      'wrong constant type',
      '{{ lower 3 }}',
      null,
      'template: t:1:9: executing "t" at <3>: expected string; found 3',
    ],
    [
      'wrong value type',
      '{{ 3 | lower }}',
      null,
      'template: t:1:7: executing "t" at <lower>: wrong type for value; expected string; got int',
    ],
    [
      'nil where a string is needed',
      '{{ .nope | lower }}',
      {},
      'template: t:1:11: executing "t" at <lower>: invalid value; expected string',
    ],
    [
      'nil is not a command',
      '{{ nil }}',
      null,
      'template: t:1:3: executing "t" at <nil>: nil is not a command',
    ],
    [
      'argument to a constant',
      '{{ 3 2 }}',
      null,
      'template: t:1:3: executing "t" at <3>: can\'t give argument to non-function 3',
    ],
    [
      'function error',
      '{{ index (list 1) 5 }}',
      null,
      'template: t:1:3: executing "t" at <index (list 1) 5>: error calling index: index out of range: 5',
    ],
    [
      'incomparable types',
      '{{ eq 1 "a" }}',
      null,
      'template: t:1:3: executing "t" at <eq 1 "a">: error calling eq: incompatible types for comparison: int and string',
    ],
    [
      'range over a string',
      '{{ range "ab" }}{{ end }}',
      null,
      'template: t:1:9: executing "t" at <"ab">: range can\'t iterate over ab',
    ],
    [
      'two variables over an integer',
      '{{ range $i, $v := 3 }}{{ end }}',
      null,
      'template: t:1:19: executing "t" at <3>: can\'t use 3 to iterate over more than one variable',
    ],
    [
      'reaching through a nil held in a list',
      '{{ range (list nil) }}{{ .foo }}{{ end }}',
      null,
      'template: t:1:25: executing "t" at <.foo>: nil pointer evaluating interface {}.foo',
    ],
    [
      'reaching through a nil held in a map',
      '{{ $d := dict "a" nil }}{{ $d.a.b }}',
      null,
      'template: t:1:29: executing "t" at <$d.a.b>: nil pointer evaluating interface {}.b',
    ],
    [
      'undefined template',
      '{{ template "nope" }}',
      null,
      'template: t:1:12: executing "t" at <{{template "nope"}}>: template "nope" not defined',
    ],
    [
      'error inside a called template names that template',
      'a\n{{ define "inner" }}{{ index "hi" . }}{{ end }}{{ template "inner" 5 }}',
      null,
      'template: t:2:23: executing "inner" at <index "hi" .>: error calling index: index out of range: 5',
    ],
  ])('%s', (_name, text, data, message) => {
    expect(failure(text, data)).toBe(message);
  });

  // Go positions a field chain `.A.B` at its second element (parse.Tree.operand), so does the column.
  it('throws InvalidConfigError with line and column', () => {
    try {
      executeGoTemplate(parseGoTemplate('t', 'ok\n  {{ .Missing.X }}'), point(1, 'a'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect((error as InvalidConfigError).data).toMatchObject({
        reason: 'TemplateExecError',
        line: 2,
        column: 13,
      });
    }
  });

  it('stops runaway recursion', () => {
    expect(failure('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" 1 }}')).toBe(
      'template: t:1:28: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (100)',
    );
  });

  it.each([
    ['a range over a huge integer', '{{ range 100000000000 }}{{ end }}'],
    ['a range that never writes', '{{ range $i := until 1000000 }}{{ $x := $i }}{{ end }}'],
    [
      'doubling recursion under the depth limit',
      '{{ define "r" }}{{ if lt . 50 }}{{ template "r" add . 1 }}{{ template "r" add . 1 }}{{ end }}{{ end }}{{ template "r" 0 }}',
    ],
    ['big values built and dropped', '{{ range until 100000 }}{{ $s := repeat 100000 "x" }}{{ end }}'],
  ])('stops %s at the step budget', (_, text) => {
    const started = process.hrtime.bigint();
    expect(failure(text)).toMatch(/: execution exceeds the budget of 1000000 steps$/);
    // Generous: the budget ends it in well under a second here; without one it runs for hours.
    expect(Number(process.hrtime.bigint() - started) / 1e9).toBeLessThan(30);
  });

  it('lets ordinary loops through the budget', () => {
    const tmpl = parseGoTemplate('t', '{{ range until 10000 }}{{ . }},{{ end }}');
    expect(executeGoTemplate(tmpl, undefined)).toHaveLength(48_890);
  });

  it('stops at 64 KiB of output by default', () => {
    const tmpl = parseGoTemplate('t', '{{ range until 1000 }}{{ repeat 100 "x" }}{{ end }}');
    expect(() => executeGoTemplate(tmpl, undefined)).toThrow(/output exceeds the limit of 65536 bytes/);
  });

  it('stops a runaway template at the output limit', () => {
    const tmpl = parseGoTemplate('t', '{{ range until 1000 }}{{ repeat 100 "x" }}{{ end }}');
    expect(() => executeGoTemplate(tmpl, undefined, { limits: { maxOutputBytes: 1000 } })).toThrow(
      /output exceeds the limit of 1000 bytes/,
    );
  });
});
