import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { doubleQuoted, renderScalar, type ScalarStyle } from '../../../lib/domain/markers/render-scalar.ts';

/** Reads `source` back as YAML 1.1 and 1.2 in the given context, failing on any error. */
const readBack = (source: string, context: 'value' | 'item' | 'flow', version: '1.1' | '1.2') => {
  const text =
    context === 'value' ? `key: ${source} # c\n` : context === 'item' ? `- ${source}\n` : `[${source}, z]\n`;
  const doc = parseDocument(text, { version });
  expect(doc.errors).toEqual([]);
  const root = doc.contents;
  const node = isMap(root) ? root.get('key', true) : isSeq(root) ? root.items[0] : undefined;
  if (!isScalar(node)) throw new Error(`not a scalar: ${text}`);
  return node;
};

describe('renderScalar', () => {
  it.each([
    // value, style, expected
    ['ghcr.io/acme/web:1.10', 'plain', 'ghcr.io/acme/web:1.10'],
    ['v1.2.3', 'plain', 'v1.2.3'],
    [`sha256:${'a'.repeat(64)}`, 'plain', `sha256:${'a'.repeat(64)}`],
    ['1.10', 'plain', '"1.10"'],
    ['123', 'plain', '"123"'],
    ['1e3', 'plain', '"1e3"'],
    ['0x1F', 'plain', '"0x1F"'],
    ['0o17', 'plain', '"0o17"'],
    ['1_000', 'plain', '"1_000"'],
    ['1:20', 'plain', '"1:20"'],
    ['2024-01-02', 'plain', '"2024-01-02"'],
    ['.inf', 'plain', '".inf"'],
    ['yes', 'plain', '"yes"'],
    ['No', 'plain', '"No"'],
    ['on', 'plain', '"on"'],
    ['y', 'plain', '"y"'],
    ['true', 'plain', '"true"'],
    ['null', 'plain', '"null"'],
    ['~', 'plain', '"~"'],
    ['', 'plain', '""'],
    ['<<', 'plain', '"<<"'],
    ['=', 'plain', '"="'],
    ['-leading-dash', 'plain', '-leading-dash'],
    ['- item', 'plain', '"- item"'],
    ['a: b', 'plain', '"a: b"'],
    ['a #b', 'plain', '"a #b"'],
    ['a#b', 'plain', 'a#b'],
    ['@scoped', 'plain', '"@scoped"'],
    ['*alias', 'plain', '"*alias"'],
    ['&anchor', 'plain', '"&anchor"'],
    ['!tag', 'plain', '"!tag"'],
    ['%dir', 'plain', '"%dir"'],
    ['`tick', 'plain', '"`tick"'],
    ["'quoted", 'plain', `"'quoted"`],
    [' padded', 'plain', '" padded"'],
    ['padded ', 'plain', '"padded "'],
    ['---', 'plain', '"---"'],
    ['a\nb', 'plain', '"a\\nb"'],
    ['tab\there', 'plain', '"tab\\there"'],
    ['v1', 'single-quoted', "'v1'"],
    ['1.10', 'single-quoted', "'1.10'"],
    ["it's", 'single-quoted', "'it''s'"],
    ['', 'single-quoted', "''"],
    ['line\nbreak', 'single-quoted', '"line\\nbreak"'],
    ['v1', 'double-quoted', '"v1"'],
    ['say "hi"\\', 'double-quoted', '"say \\"hi\\"\\\\"'],
    ['v1', 'block', '"v1"'],
  ] satisfies [string, ScalarStyle, string][])('%j as %s → %s', (value, style, expected) => {
    expect(renderScalar(value, style, false)).toBe(expected);
  });

  it('quotes flow indicators only inside flow collections', () => {
    expect(renderScalar('a,b', 'plain', false)).toBe('a,b');
    expect(renderScalar('a,b', 'plain', true)).toBe('"a,b"');
    expect(renderScalar('x[0]', 'plain', true)).toBe('"x[0]"');
    expect(renderScalar('ghcr.io/acme/web:1.10', 'plain', true)).toBe('ghcr.io/acme/web:1.10');
  });

  it('escapes what is not printable', () => {
    expect(doubleQuoted('\u0000\u0007\u001b\u007f\u0085\u00a0\u2028\ufeff\ud800😀é')).toBe(
      '"\\0\\a\\e\\x7F\\N\u00a0\\L\\uFEFF\\uD800😀é"',
    );
  });

  const styles: ScalarStyle[] = ['plain', 'single-quoted', 'double-quoted', 'block'];
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.stringMatching(/^[-a-z0-9.:/@_#'" ,[\]{}!&*?|>%`~]{0,16}$/),
    fc.constantFrom('1.10', 'yes', 'null', '~', '0o7', '1:2', '2001-01-01', '', ' ', '- a', 'a: b', 'a #b'),
  );

  it('always reads back as the same string, in every context and YAML version', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.constantFrom(...styles),
        fc.constantFrom('value', 'item', 'flow'),
        (value, style, context) => {
          const source = renderScalar(value, style, context === 'flow');
          for (const version of ['1.1', '1.2'] as const) {
            const node = readBack(source, context as 'value' | 'item' | 'flow', version);
            expect(node.source ?? node.value).toBe(value);
            expect(typeof node.value === 'string' || node.type !== 'PLAIN').toBe(true);
            if (node.type === 'PLAIN') expect(node.value).toBe(value);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps the quote style it was given whenever it can', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9.:/@_-]{1,20}$/), (value) => {
        expect(renderScalar(value, 'double-quoted', false)).toBe(`"${value}"`);
        expect(renderScalar(value, 'single-quoted', false)).toBe(`'${value}'`);
      }),
    );
  });
});
