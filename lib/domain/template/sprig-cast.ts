/**
 * The conversions Sprig leans on: `strval`, `strslice` (Sprig `strings.go`) and spf13/cast's
 * `ToInt64`, `ToInt`, `ToFloat64` (errors ignored, so anything unconvertible is 0).
 */
import { formatValue } from './fmt-printer.ts';
import { T } from './go-types.ts';
import { GoInt, GoSlice, GoStruct, type GoValue, intValue, stringSlice } from './go-values.ts';
import { parseNumber } from './parse-number.ts';

/** Sprig `strval`: strings as they are, `String()` if the value has it, `%v` otherwise. */
export const strval = (v: GoValue): string => {
  if (typeof v === 'string') return v;
  if (v instanceof GoStruct && v.type.stringer) return v.type.stringer(v);
  return formatValue(v);
};

/** Sprig `strslice`: any list as `[]string`, skipping nils; a scalar becomes a one-element list. */
export const strslice = (v: GoValue): GoSlice => {
  if (v instanceof GoSlice) {
    if (v.type.elem?.name === 'string') return v;
    return stringSlice(v.items.filter((item) => item !== undefined).map(strval));
  }
  return stringSlice(v === undefined ? [] : [strval(v)]);
};

/** cast's `trimZeroDecimal`: "12.000" → "12". */
const trimZeroDecimal = (s: string): string => {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
};

const parseIntBase0 = (s: string): bigint | undefined => {
  if (s === '' || /[.eEpPi]/.test(s) || s.startsWith("'")) return undefined;
  try {
    const n = parseNumber(0, s, false);
    return n.isInt ? n.int64 : undefined;
  } catch {
    return undefined;
  }
};

/** cast `ToInt64` (also `ToInt`: Go `int` is 64-bit). */
export const toInt64 = (v: GoValue): bigint => {
  const i = intValue(v);
  if (i !== undefined) return i;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt.asIntN(64, BigInt(Math.trunc(v))) : 0n;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') return parseIntBase0(trimZeroDecimal(v)) ?? 0n;
  return 0n;
};

/** cast `ToFloat64`. */
export const toFloat64 = (v: GoValue): number => {
  const i = intValue(v);
  if (i !== undefined) return Number(i);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const clean = v.trim() === v ? v : '';
    if (/^[+-]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?$/.test(clean)) {
      const n = Number(clean.replaceAll('_', ''));
      return Number.isNaN(n) ? 0 : n;
    }
    if (/^[+-]?(inf|infinity)$/i.test(clean)) return clean.startsWith('-') ? -Infinity : Infinity;
    if (/^nan$/i.test(clean)) return Number.NaN;
    return 0;
  }
  return 0;
};

export const int64Value = (v: bigint): GoInt => new GoInt(T.int64, v);
