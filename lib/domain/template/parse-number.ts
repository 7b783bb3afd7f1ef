/**
 * Number and character constants as the template parser reads them (Go `parse.Tree.newNumber`, using
 * `strconv.ParseInt(s, 0, 64)`, `ParseUint` and `ParseFloat`): `0x1F`, `0o17`, `0b101`, `017`, `1_000`,
 * `1e3`, `0x1p-2`, `'a'`. An integer constant is also a float; an integral float is also an integer.
 */
import type { NumberNode } from './ast.ts';
import { quote, unquoteChar } from './quote.ts';

const MAX_INT64 = (1n << 63n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;

/** Go's `strconv.underscoreOK`: underscores only between digits or right after a base prefix. */
const underscoreOk = (text: string): boolean => {
  const s = text.replace(/^[+-]/, '');
  let saw = '^';
  let i = 0;
  const hex = /^0[xX]/.test(s);
  if (/^0[bBoOxX]/.test(s)) {
    i = 2;
    saw = '0';
  }
  for (; i < s.length; i++) {
    const c = s[i] ?? '';
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
};

const parseUnsigned = (body: string): bigint | undefined => {
  const clean = body.replaceAll('_', '');
  let digits = clean;
  let radix = 10;
  if (/^0[xX]/.test(clean)) {
    radix = 16;
    digits = clean.slice(2);
  } else if (/^0[oO]/.test(clean)) {
    radix = 8;
    digits = clean.slice(2);
  } else if (/^0[bB]/.test(clean)) {
    radix = 2;
    digits = clean.slice(2);
  } else if (/^0[0-9]/.test(clean)) {
    radix = 8;
    digits = clean.slice(1);
  }
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[radix];
  if (digits === '' || !valid?.test(digits)) return undefined;
  const prefix = { 2: '0b', 8: '0o', 10: '', 16: '0x' }[radix] ?? '';
  return BigInt(prefix + digits);
};

const parseInt64 = (text: string): bigint | undefined => {
  if (!underscoreOk(text)) return undefined;
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  const u = parseUnsigned(body);
  if (u === undefined) return undefined;
  const v = negative ? -u : u;
  return v > MAX_INT64 || v < -MAX_INT64 - 1n ? undefined : v;
};

const parseUint64 = (text: string): bigint | undefined => {
  if (/^[+-]/.test(text) || !underscoreOk(text)) return undefined;
  const u = parseUnsigned(text);
  return u === undefined || u > MAX_UINT64 ? undefined : u;
};

const parseFloat64 = (text: string): number | undefined => {
  if (!underscoreOk(text)) return undefined;
  const clean = text.replaceAll('_', '');
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(clean);
  if (hex) {
    const [, sign, int = '', frac = '', exp = '0'] = hex;
    if (int === '' && frac === '') return undefined;
    const mantissa = Number.parseInt(`${int}${frac}` || '0', 16);
    const v = mantissa * 2 ** (Number(exp) - 4 * frac.length);
    return sign === '-' ? -v : v;
  }
  if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(clean)) return undefined;
  const v = Number(clean);
  return Number.isFinite(v) ? v : undefined;
};

export class NumberSyntaxError extends Error {}

/** Go `parse.Tree.newNumber` for number and character constants; complex constants are refused. */
export const parseNumber = (pos: number, text: string, isChar: boolean): NumberNode => {
  if (isChar) {
    const { value, next } = unquoteChar(text, 1, "'");
    if (text.slice(next) !== "'") throw new NumberSyntaxError(`malformed character constant: ${text}`);
    const v = BigInt(value);
    return {
      kind: 'number',
      pos,
      text,
      isInt: true,
      isUint: true,
      isFloat: true,
      int64: v,
      uint64: v,
      float64: value,
    };
  }
  if (text.endsWith('i')) throw new NumberSyntaxError(`complex constants are not supported: ${text}`);
  let isInt = false;
  let isUint = false;
  let isFloat = false;
  let int64 = 0n;
  let uint64 = 0n;
  let float64 = 0;
  const u = parseUint64(text);
  if (u !== undefined) {
    isUint = true;
    uint64 = u;
  }
  const i = parseInt64(text);
  if (i !== undefined) {
    isInt = true;
    int64 = i;
    if (i === 0n) {
      isUint = true;
      uint64 = 0n;
    }
  }
  if (isInt) {
    isFloat = true;
    float64 = Number(int64);
  } else if (isUint) {
    isFloat = true;
    float64 = Number(uint64);
  } else {
    const f = parseFloat64(text);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) throw new NumberSyntaxError(`integer overflow: ${quote(text)}`);
      isFloat = true;
      float64 = f;
      if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
        isInt = true;
        int64 = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        isUint = true;
        uint64 = BigInt(f);
      }
    }
  }
  if (!isInt && !isUint && !isFloat) throw new NumberSyntaxError(`illegal number syntax: ${quote(text)}`);
  return { kind: 'number', pos, text, isInt, isUint, isFloat, int64, uint64, float64 };
};
