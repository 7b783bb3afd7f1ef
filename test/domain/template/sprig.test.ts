import { describe, expect, it } from 'vitest';
import { FLUX_FUNCTIONS, UNSUPPORTED_FUNCTIONS } from '../../../lib/domain/template/functions.ts';
import { failure, render } from './render.ts';

describe('Sprig string functions', () => {
  it.each([
    ['lower/upper', '{{ lower "HeLLo" }} {{ upper "héllo" }}', 'hello HÉLLO'],
    [
      'title/untitle',
      '{{ title "hello wORLD-foo_bar" }} {{ untitle "Hello World" }}',
      'Hello WORLD-Foo_bar hello world',
    ],
    [
      'trim family',
      '[{{ trim "  x \\n" }}] {{ trimAll "$" "$$5.00$" }} {{ trimPrefix "v" "v1.2" }} {{ trimSuffix "-rc" "1.0-rc" }}',
      '[x] 5.00 1.2 1.0',
    ],
    [
      'contains/hasPrefix/hasSuffix (needle first)',
      '{{ contains "5.0.3" "app:5.0.3" }} {{ hasPrefix "app" "app:1" }} {{ hasSuffix ":2" "app:1" }}',
      'true true false',
    ],
    ['replace', '{{ replace "-" "_" "a-b-c" }} {{ "a.b" | replace "." "" }}', 'a_b_c ab'],
    ['repeat', '{{ repeat 3 "ab" }} {{ "x" | repeat 2 }}', 'ababab xx'],
    [
      'quote/squote skip nil',
      '{{ quote "a" 1 nil "b\\"c" }} {{ squote "a" 1 }}',
      '"a" "1" "b\\"c" \'a\' \'1\'',
    ],
    ['cat', '{{ cat "a" 1 nil true }}', 'a 1 true'],
    ['trunc counts bytes', '{{ trunc 3 "abcdef" }} {{ trunc -2 "abcdef" }} {{ trunc 10 "ab" }}', 'abc ef ab'],
    [
      'abbrev/abbrevboth',
      '{{ abbrev 5 "hello world" }} {{ abbrevboth 5 10 "1234 5678 9123" }}',
      'he... ...5678...',
    ],
    [
      'substr',
      '{{ substr 1 3 "abcdef" }} {{ substr -1 2 "abcdef" }} {{ substr 2 -1 "abcdef" }}',
      'bc ab cdef',
    ],
    [
      'nospace/initials/swapcase',
      '{{ nospace " a b\\tc " }} {{ initials "First Try" }} {{ swapcase "Hello World" }}',
      'abc FT hELLO wORLD',
    ],
    ['indent/nindent', '{{ indent 2 "a\\nb" }}|{{ nindent 2 "a" }}', '  a\n  b|\n  a'],
    [
      'wrap/wrapWith',
      '{{ wrap 5 "hello world again" }}|{{ wrapWith 5 "\\t" "Hello World" }}',
      'hello\nworld\nagain|Hello\tWorld',
    ],
    ['plural', '{{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }}', 'one many'],
    ['toString', '{{ toString 1.5 }} {{ toString (list 1) }} {{ toString "s" }}', '1.5 [1] s'],
    [
      'split/splitList',
      '{{ splitList "," "a,b,,c" }} {{ (split "/" "a/b")._1 }} {{ splitList "" "ab" }}',
      '[a b  c] b [a b]',
    ],
    [
      'join/sortAlpha',
      '{{ join ", " (list "a" 1 nil 2.5) }} {{ sortAlpha (list "b" "a" "C") }}',
      'a, 1, 2.5 [C a b]',
    ],
  ])('%s', (_name, text, expected) => {
    expect(render(text)).toBe(expected);
  });
});

describe('Sprig lists and dictionaries', () => {
  it.each([
    [
      'list/first/last/rest/initial',
      '{{ list 1 "a" }} {{ first (list 3 4) }} {{ last (list 3 4) }} {{ rest (list 3 4) }} {{ initial (list 3 4) }}',
      '[1 a] 3 4 [4] [3]',
    ],
    ['first of an empty list is nil', '{{ first list }}', '<no value>'],
    [
      'uniq/reverse/compact/without',
      '{{ uniq (list 1 1 2 "a" "a") }} {{ reverse (list 1 2 3) }} {{ compact (list 0 1 "" "a") }} {{ without (list 1 2 3) 2 }}',
      '[1 2 a] [3 2 1] [1 a] [1 3]',
    ],
    [
      'append/prepend/concat/has',
      '{{ append (list 1) 2 }} {{ prepend (list 1) 0 }} {{ concat (list 1) (list 2 3) }} {{ has 2 (list 1 2) }}',
      '[1 2] [0 1] [1 2 3] true',
    ],
    [
      'slice/chunk',
      '{{ slice (list 1 2 3) 1 }} {{ slice (list 1 2 3) 0 2 }} {{ chunk 2 (list 1 2 3) }}',
      '[2 3] [1 2] [[1 2] [3]]',
    ],
    [
      'until/untilStep/seq',
      '{{ until 3 }} {{ untilStep 0 10 3 }} [{{ seq 5 }}] [{{ seq 3 -1 }}] [{{ seq 0 2 10 }}]',
      '[0 1 2] [0 3 6 9] [1 2 3 4 5] [3 2 1 0 -1] [0 2 4 6 8 10]',
    ],
    [
      'dict/keys/values in key order',
      '{{ $d := dict "b" 2 "a" 1 }}{{ keys $d }} {{ values $d }} {{ $d }}',
      '[a b] [1 2] map[a:1 b:2]',
    ],
    [
      'get/hasKey',
      '{{ $d := dict "a" 1 }}{{ get $d "a" }} [{{ get $d "zz" }}] {{ hasKey $d "a" }} {{ hasKey $d "zz" }}',
      '1 [] true false',
    ],
    [
      'set/unset mutate in place',
      '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $_ := unset $d "a" }}{{ $d }}',
      'map[b:2]',
    ],
    [
      'pick/omit/pluck',
      '{{ $d := dict "a" 1 "b" 2 }}{{ pick $d "a" }} {{ omit $d "a" }} {{ pluck "a" $d (dict "a" 3) }}',
      'map[a:1] map[b:2] [1 3]',
    ],
    [
      'merge/mergeOverwrite',
      '{{ merge (dict "a" 1) (dict "a" 2 "b" 3) }} {{ mergeOverwrite (dict "a" 1) (dict "a" 2) }}',
      'map[a:1 b:3] map[a:2]',
    ],
    ['dig', '{{ dig "a" "b" "def" (dict "a" (dict "b" "found")) }} {{ dig "x" "def" (dict) }}', 'found def'],
  ])('%s', (_name, text, expected) => {
    expect(render(text)).toBe(expected);
  });
});

describe('Sprig defaults, JSON, math, paths, encodings, regular expressions', () => {
  it.each([
    [
      'default/empty/coalesce/ternary',
      '{{ default "def" "" }} {{ "" | default "d2" }} {{ default "def" "x" }} {{ empty 0 }} {{ coalesce "" 0 "z" }} {{ ternary "y" "n" false }}',
      'def d2 x true z n',
    ],
    ['all/any', '{{ all 1 "a" }} {{ all 1 "" }} {{ any 0 "" }} {{ any 0 "a" }}', 'true false false true'],
    [
      'toJson escapes HTML and sorts keys',
      '{{ toJson (dict "b" (list 1 2.5 "x<y") "a" nil) }} {{ toRawJson "a&b" }}',
      '{"a":null,"b":[1,2.5,"x\\u003cy"]} "a&b"',
    ],
    ['toJson of nil lists is null', '{{ toJson list }} {{ toJson (list 1) }}', 'null [1]'],
    [
      'toPrettyJson',
      '{{ toPrettyJson (dict "a" (list 1) "b" dict) }}',
      '{\n  "a": [\n    1\n  ],\n  "b": {}\n}',
    ],
    ['fromJson', '{{ (fromJson "{\\"a\\":[1,2]}").a }}', '[1 2]'],
    [
      'integer math returns int64',
      '{{ add 1 2 3 }} {{ sub 5 2 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 3 }} {{ add1 "41" }} {{ printf "%T" (add 1 2) }}',
      '6 3 24 3 1 42 int64',
    ],
    ['max/min', '{{ max 1 5 3 }} {{ min 4 2 }} {{ maxf 1 2.5 }} {{ minf 1 2.5 }}', '5 2 2.5 1'],
    [
      'float math goes through decimals',
      '{{ addf 0.1 0.2 }} {{ subf 1 0.9 }} {{ mulf 1.1 3 }} {{ divf 1 3 }}',
      '0.3 0.1 3.3 0.3333333333333333',
    ],
    ['floor/ceil/round', '{{ floor 1.7 }} {{ ceil 1.2 }} {{ round 3.14159 2 }}', '1 2 3.14'],
    [
      'conversions',
      '{{ atoi "12" }} {{ atoi "x" }} {{ int64 "0x10" }} {{ int "12.00" }} {{ float64 "1.5" }} {{ toDecimal "777" }}',
      '12 0 16 12 1.5 511',
    ],
    [
      'paths',
      '{{ base "a/b/c.yaml" }} {{ dir "a/b/c.yaml" }} {{ ext "c.tar.gz" }} {{ clean "a//b/../c/." }} {{ isAbs "/x" }}',
      'c.yaml a/b .gz a/c true',
    ],
    [
      'base64/base32',
      '{{ b64enc "héllo" }} {{ b64dec "aMOpbGxv" }} {{ b32enc "hi" }} {{ b32dec "NBUQ====" }}',
      'aMOpbGxv héllo NBUQ==== hi',
    ],
    [
      'checksums',
      '{{ sha256sum "abc" }} {{ sha1sum "abc" }} {{ adler32sum "abc" }}',
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad a9993e364706816aba3e25717850c26c9cd0d89d 38600999',
    ],
    [
      'regexMatch/regexFind/regexFindAll',
      '{{ regexMatch "^v[0-9]+" "v12" }} {{ regexMatch "(" "x" }} {{ regexFind "[0-9]+" "a12b34" }} {{ regexFindAll "[0-9]" "a1b2c3" 2 }}',
      'true false 12 [1 2]',
    ],
    [
      'regexReplaceAll expands groups like Go',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's ${n} replacement syntax, not JS
      '{{ regexReplaceAll "(?P<x>[a-z])([0-9])" "a1b2" "${2}$x" }} {{ regexReplaceAll "a*" "baaac" "X" }} {{ regexReplaceAllLiteral "[0-9]" "a1" "$1" }}',
      '1a2b XbXcX a$1',
    ],
    [
      'regexSplit/regexQuoteMeta',
      '{{ regexSplit "," "a,b,c" -1 }} {{ regexSplit "," "a,b,c" 2 }} {{ regexQuoteMeta "a.b*" }}',
      '[a b c] [a b,c] a\\.b\\*',
    ],
    [
      'reflection',
      '{{ typeOf 1 }} {{ kindOf (dict) }} {{ kindIs "string" "x" }} {{ typeIs "int" 1 }} {{ deepEqual (list 1) (list 1) }}',
      'int map true true true',
    ],
  ])('%s', (_name, text, expected) => {
    expect(render(text)).toBe(expected);
  });
});

describe('Sprig errors', () => {
  it.each([
    [
      'fail',
      '{{ fail "boom" }}',
      'template: t:1:3: executing "t" at <fail "boom">: error calling fail: boom',
    ],
    [
      'division by zero',
      '{{ div 1 0 }}',
      'template: t:1:3: executing "t" at <div 1 0>: error calling div: runtime error: integer divide by zero',
    ],
    [
      'list function on a string',
      '{{ first "abc" }}',
      'template: t:1:3: executing "t" at <first "abc">: error calling first: Cannot find first on type string',
    ],
    [
      "Sprig's slice replaces the builtin",
      '{{ slice "abc" 1 }}',
      'template: t:1:3: executing "t" at <slice "abc" 1>: error calling slice: list should be type of slice or array but string',
    ],
    [
      'invalid regular expression',
      '{{ regexFind "(" "x" }}',
      'template: t:1:3: executing "t" at <regexFind "(" "x">: error calling regexFind: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`',
    ],
    [
      'non-hermetic functions are not defined (as in Flux)',
      '{{ now }}',
      'template: t:1: function "now" not defined',
    ],
    ['env is not defined either', '{{ env "HOME" }}', 'template: t:1: function "env" not defined'],
    [
      'unsupported hermetic functions fail when called',
      '{{ randInt 1 2 }}',
      'template: t:1:3: executing "t" at <randInt 1 2>: error calling randInt: function "randInt" is not supported: its result is not deterministic',
    ],
  ])('%s', (_name, text, message) => {
    expect(failure(text)).toBe(message);
  });

  it('defines every hermetic Sprig v3.3 name so Flux-valid templates parse', () => {
    for (const name of ['semverCompare', 'toDate', 'genCA', 'urlParse', 'kebabcase', 'sha512sum'])
      expect(FLUX_FUNCTIONS.has(name) && UNSUPPORTED_FUNCTIONS.has(name)).toBe(true);
    for (const name of ['now', 'date', 'env', 'expandenv', 'uuidv4', 'randAlphaNum', 'getHostByName'])
      expect(FLUX_FUNCTIONS.has(name)).toBe(false);
  });
});
