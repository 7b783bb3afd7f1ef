import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../../lib/domain/errors.ts';
import { parseGoTemplate } from '../../../lib/domain/template/template.ts';
import { failure, render } from './render.ts';

describe('lexing: text, trimming, comments', () => {
  it.each([
    ['plain text passes through', 'hello\n world', 'hello\n world'],
    ['{{- trims spaces, tabs and newlines before', 'a \t\n {{- "b" }}', 'ab'],
    ['-}} trims them after', '{{ "a" -}} \n\t b', 'ab'],
    ['both sides', 'x  {{- "y" -}}  z', 'xyz'],
    ['a minus without a space is a number', '{{-3}}', '-3'],
    ['comments print nothing', 'a{{/* note */}}b', 'ab'],
    ['trimmed comments', 'a  {{- /* note */ -}}  b', 'ab'],
    ['multi-line comment', 'a{{/* one\ntwo */}}b', 'ab'],
    ['only trailing trim on a comment', 'a {{/* x */ -}}\n b', 'a b'],
    ['raw strings keep backslashes and drop carriage returns', '{{ `a\\n\r` }}', 'a\\n'],
    ['escapes in quoted strings', '{{ "tab\\there \\u00e9 \\x41 \\101" }}', 'tab\there é A A'],
    ['character constants are ints', "{{ 'a' }} {{ '\\n' }}", '97 10'],
    [
      'number syntaxes',
      '{{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }} {{ 1e3 }} {{ 0x1p-2 }} {{ .5 }}',
      '31 15 15 5 1000 1000 0.25 0.5',
    ],
  ])('%s', (_name, text, expected) => {
    expect(render(text)).toBe(expected);
  });
});

describe('parse errors name the line, in Go wording', () => {
  it.each([
    ['unknown function', 'ok\n{{ nosuch 1 }}', 'template: t:2: function "nosuch" not defined'],
    ['undefined variable', '{{ $x }}', 'template: t:1: undefined variable "$x"'],
    ['unclosed action', '{{ .A ', 'template: t:1: unclosed action'],
    ['unclosed action across lines', '{{ .A\n\n', 'template: t:3: unclosed action started at t:1'],
    ['unterminated string', 'a\nb\n{{ "x }}', 'template: t:3: unterminated quoted string'],
    ['unclosed paren', '{{ (print 1 }}', 'template: t:1: unclosed left paren'],
    ['unexpected right paren', '{{ print 1) }}', "template: t:1: unexpected right paren U+0029 ')'"],
    ['missing end', '{{ if true }}x', 'template: t:1: unexpected EOF'],
    ['stray end', 'x{{ end }}', 'template: t:1: unexpected {{end}}'],
    ['stray else', '{{ else }}', 'template: t:1: unexpected {{else}}'],
    ['empty action', '{{ }}', 'template: t:1: missing value for command'],
    ['empty if', '{{ if }}{{ end }}', 'template: t:1: missing value for if'],
    ['break outside range', '{{ break }}', 'template: t:1: {{break}} outside {{range}}'],
    [
      'continue outside range',
      '{{ if true }}{{ continue }}{{ end }}',
      'template: t:1: {{continue}} outside {{range}}',
    ],
    [
      'constant in later pipeline stage',
      '{{ "a" | "b" }}',
      'template: t:1: non executable command in pipeline stage 2',
    ],
    ['field after a literal', '{{ "a".B }}', 'template: t:1: unexpected . after term "\\"a\\""'],
    ['bad number', '{{ 3k }}', 'template: t:1: bad number syntax: "3k"'],
    ['bad escape', '{{ "\\q" }}', 'template: t:1: invalid syntax'],
    [
      'too many range variables',
      '{{ range $a, $b, $c := . }}{{ end }}',
      'template: t:1: too many declarations in range',
    ],
    [
      'duplicate define',
      '{{ define "x" }}a{{ end }}{{ define "x" }}b{{ end }}',
      'template: t:1: template: multiple definition of template "x"',
    ],
    ['unclosed comment', '{{/* x }}', 'template: t:1: unclosed comment'],
  ])('%s', (_name, text, message) => {
    expect(failure(text)).toBe(message);
  });

  it('reports the position in the error data', () => {
    try {
      parseGoTemplate('t', 'line one\nline two {{ .A | nosuch }}');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect((error as InvalidConfigError).data).toMatchObject({ reason: 'TemplateParseError', line: 2 });
    }
  });
});
