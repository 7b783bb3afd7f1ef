import { isScalar, parseDocument } from 'yaml';

/** How the scalar being replaced was written. */
export type ScalarStyle = 'plain' | 'single-quoted' | 'double-quoted' | 'block';

/**
 * Source text for `value` in place of a scalar written in `style`. The quote style is kept
 * (flux-semantics §4.5): double stays double, single stays single unless the value has a character
 * single quotes cannot carry, plain stays plain unless a YAML 1.1 or 1.2 reader (or go-yaml, which
 * Flux and kubectl use) would take it for something other than this exact string; then it is
 * double-quoted. Block scalars become double-quoted one-liners: an image reference has no lines to
 * keep, and rewriting the block body in place would have to guess chomping and indentation.
 */
export const renderScalar = (value: string, style: ScalarStyle, inFlow: boolean): string => {
  switch (style) {
    case 'plain':
      return canBePlain(value, inFlow) ? value : doubleQuoted(value);
    case 'single-quoted':
      return PRINTABLE_LINE.test(value) ? `'${value.replaceAll("'", "''")}'` : doubleQuoted(value);
    default:
      return doubleQuoted(value);
  }
};

/**
 * Printable on one line without escapes: YAML's c-printable minus tab, line breaks and the BOM
 * (allowed by the grammar inside quotes, but invisible and easy to mangle).
 */
const PRINTABLE_LINE = /^[\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/**
 * Plain strings some YAML reader resolves to another type. Deliberately broader than any single
 * schema (quoting a string is never wrong): YAML 1.1 booleans in any case, Go `ParseInt` base-0
 * integers with `_`, 1.1 sexagesimal numbers and timestamps, `.inf`/`.nan`, and the 1.1 merge
 * and value keys.
 */
const IMPLICIT_NON_STRINGS: readonly RegExp[] = [
  /^(?:~|null|true|false|yes|no|on|off|y|n)$/i,
  /^[-+]?(?:0[box][0-9a-f_]+|[0-9][0-9_]*)$/i,
  /^[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:e[-+]?[0-9]+)?$/i,
  /^[-+]?\.(?:inf|nan)$/i,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:$|[Tt \t])/,
  /^(?:=|<<)$/,
];

const canBePlain = (value: string, inFlow: boolean): boolean =>
  value !== '' &&
  PRINTABLE_LINE.test(value) &&
  !IMPLICIT_NON_STRINGS.some((pattern) => pattern.test(value)) &&
  // The grammar side (indicators, `: `, ` #`, surrounding spaces, `---`) is left to a real parser:
  // the text must read back as this very plain string under both YAML versions.
  readsBackAsPlain(value, '1.1', false) &&
  readsBackAsPlain(value, '1.2', false) &&
  (!inFlow || readsBackAsPlain(value, '1.2', true));

const readsBackAsPlain = (value: string, version: '1.1' | '1.2', inFlow: boolean): boolean => {
  const doc = parseDocument(inFlow ? `[${value}]` : value, { version });
  if (doc.errors.length > 0) return false;
  let node: unknown = doc.contents;
  if (inFlow) {
    const items = (node as { items?: unknown[] } | null)?.items;
    if (!Array.isArray(items) || items.length !== 1) return false;
    node = items[0];
  }
  return isScalar(node) && node.type === 'PLAIN' && node.value === value;
};

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1b': '\\e',
  '"': '\\"',
  '\\': '\\\\',
  '\x85': '\\N',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

/** A YAML double-quoted scalar: escapes for quotes, backslashes and everything non-printable. */
export const doubleQuoted = (value: string): string => {
  let out = '"';
  for (const char of value) {
    const named = NAMED_ESCAPES[char];
    if (named !== undefined) out += named;
    else if (PRINTABLE_LINE.test(char)) out += char;
    else {
      const code = char.codePointAt(0) ?? 0;
      out +=
        code <= 0xff ? `\\x${hex(code, 2)}` : code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
    }
  }
  return `${out}"`;
};

const hex = (code: number, width: number): string => code.toString(16).toUpperCase().padStart(width, '0');
