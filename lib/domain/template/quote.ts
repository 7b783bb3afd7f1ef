/**
 * Go `strconv` quoting: `Quote`, `QuoteToASCII`, `QuoteRune`, `CanBackquote`, `Unquote`, `UnquoteChar`
 * (Go `strconv/quote.go`). fmt's `%q`, text/template's string literals and its error messages use them.
 */
import { isPrint, utf8Decode, utf8Encode } from './utf8.ts';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

const escapeRune = (cp: number, quote: string, asciiOnly: boolean): string => {
  const ch = String.fromCodePoint(cp);
  if (ch === quote || ch === '\\') return `\\${ch}`;
  if (asciiOnly ? cp < 0x80 && isPrint(cp) : isPrint(cp)) return ch;
  switch (cp) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex2(cp)}`;
  const valid = cp < 0xd800 || (cp > 0xdfff && cp <= 0x10ffff);
  const r = valid ? cp : 0xfffd;
  return r < 0x10000 ? `\\u${r.toString(16).padStart(4, '0')}` : `\\U${r.toString(16).padStart(8, '0')}`;
};

const quoteWith = (s: string, quote: string, asciiOnly: boolean): string => {
  let out = quote;
  for (const ch of s) out += escapeRune(ch.codePointAt(0) ?? 0xfffd, quote, asciiOnly);
  return out + quote;
};

export const quote = (s: string): string => quoteWith(s, '"', false);
export const quoteToAscii = (s: string): string => quoteWith(s, '"', true);
export const quoteRune = (cp: number, asciiOnly = false): string => {
  const valid = cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
  return `'${escapeRune(valid ? cp : 0xfffd, "'", asciiOnly)}'`;
};

export const canBackquote = (s: string): boolean => {
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0xfeff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if ((cp < 0x20 && cp !== 0x09) || cp === 0x60 || cp === 0x7f) return false;
  }
  return true;
};

export class QuoteSyntaxError extends Error {}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
};

/**
 * `strconv.UnquoteChar`: decodes one (possibly escaped) character at `s[i]`.
 * `byte` is true when the result is a raw byte (`\x..`, octal) rather than a rune.
 */
export const unquoteChar = (
  s: string,
  i: number,
  quoteChar: string,
): { value: number; byte: boolean; next: number } => {
  const c = s[i];
  if (c === undefined || (c === quoteChar && (quoteChar === "'" || quoteChar === '"')))
    throw new QuoteSyntaxError('invalid syntax');
  if (c !== '\\') {
    const cp = s.codePointAt(i) ?? 0;
    return { value: cp, byte: false, next: i + (cp > 0xffff ? 2 : 1) };
  }
  const e = s[i + 1];
  if (e === undefined) throw new QuoteSyntaxError('invalid syntax');
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return { value: simple, byte: false, next: i + 2 };
  if (e === 'x' || e === 'u' || e === 'U') {
    const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
    const digits = s.slice(i + 2, i + 2 + n);
    if (digits.length < n || !/^[0-9a-fA-F]+$/.test(digits)) throw new QuoteSyntaxError('invalid syntax');
    const v = Number.parseInt(digits, 16);
    if (e !== 'x' && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)))
      throw new QuoteSyntaxError('invalid syntax');
    return { value: v, byte: e === 'x', next: i + 2 + n };
  }
  if (e >= '0' && e <= '7') {
    const digits = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(digits)) throw new QuoteSyntaxError('invalid syntax');
    const v = Number.parseInt(digits, 8);
    if (v > 255) throw new QuoteSyntaxError('invalid syntax');
    return { value: v, byte: true, next: i + 4 };
  }
  if ((e === "'" || e === '"') && e === quoteChar)
    return { value: e.charCodeAt(0), byte: false, next: i + 2 };
  throw new QuoteSyntaxError('invalid syntax');
};

/** `strconv.Unquote` for `"…"` and `` `…` `` literals; throws {@link QuoteSyntaxError} ("invalid syntax"). */
export const unquote = (literal: string): string => {
  const q = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== q) throw new QuoteSyntaxError('invalid syntax');
  const body = literal.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new QuoteSyntaxError('invalid syntax');
    return body.replaceAll('\r', '');
  }
  if (q !== '"' || body.includes('\n')) throw new QuoteSyntaxError('invalid syntax');
  if (!body.includes('\\') && !body.includes('"')) return body;
  const bytes: number[] = [];
  let i = 0;
  while (i < body.length) {
    const { value, byte, next } = unquoteChar(body, i, '"');
    if (byte || value < 0x80) bytes.push(value);
    else bytes.push(...utf8Encode(String.fromCodePoint(value)));
    i = next;
  }
  return utf8Decode(Uint8Array.from(bytes));
};

/** Go's `%.10q...` abbreviation used by the lexer's item printing. */
export const quotePrefix = (s: string, runes: number): string => quote([...s].slice(0, runes).join(''));
