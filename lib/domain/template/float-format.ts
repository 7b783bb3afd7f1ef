/**
 * Go `strconv.FormatFloat(v, fmt, prec, 64)` for the `e`, `E`, `f`, `g`, `G` formats, which fmt's
 * `%v %e %f %g` and encoding/json build on (Go `strconv/ftoa.go`).
 *
 * Shortest digits come from JS `toExponential()` (both languages produce the shortest string that
 * round-trips); fixed precision rounds the exact binary value half-to-even like Go's `decimal.Round`.
 */

interface Digits {
  /** Significant digits without leading or trailing zeros; '' for zero. */
  readonly d: string;
  /** Position of the decimal point relative to the start of `d`. */
  readonly dp: number;
}

const shortestDigits = (abs: number): Digits => {
  if (abs === 0) return { d: '', dp: 0 };
  const [mantissa = '', exponent = '0'] = abs.toExponential().split('e');
  return { d: mantissa.replace('.', '').replace(/0+$/, ''), dp: Number(exponent) + 1 };
};

/** The exact decimal expansion of a finite double (every double is m·2^e, so it terminates). */
const exactDigits = (abs: number): Digits => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent: number;
  if (biased === 0) exponent = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  if (mantissa === 0n) return { d: '', dp: 0 };
  let digits: string;
  let dp: number;
  if (exponent >= 0) {
    digits = (mantissa << BigInt(exponent)).toString();
    dp = digits.length;
  } else {
    digits = (mantissa * 5n ** BigInt(-exponent)).toString();
    dp = digits.length + exponent;
  }
  const trimmed = digits.replace(/0+$/, '');
  return { d: trimmed, dp };
};

/** Keeps `nd` digits, rounding half to even on exact ties (Go `decimal.Round`). */
const roundTo = ({ d, dp }: Digits, nd: number): Digits => {
  if (nd < 0 || nd >= d.length) return { d, dp };
  const next = d.charCodeAt(nd) - 48;
  const exactHalf = next === 5 && nd + 1 === d.length;
  const up = exactHalf ? nd > 0 && (d.charCodeAt(nd - 1) - 48) % 2 === 1 : next >= 5;
  if (!up) return { d: d.slice(0, nd).replace(/0+$/, ''), dp };
  const kept = d.slice(0, nd).split('');
  let i = kept.length - 1;
  while (i >= 0 && kept[i] === '9') i--;
  if (i < 0) return { d: '1', dp: dp + 1 };
  kept[i] = String.fromCharCode((kept[i]?.charCodeAt(0) ?? 48) + 1);
  return { d: kept.slice(0, i + 1).join(''), dp };
};

const digitAt = (digits: Digits, j: number): string =>
  j >= 0 && j < digits.d.length ? (digits.d[j] ?? '0') : '0';

const formatE = (digits: Digits, prec: number, letter: string): string => {
  let out = digits.d.length > 0 ? (digits.d[0] ?? '0') : '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(digits, i);
  }
  let exp = digits.d.length === 0 ? 0 : digits.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${out}${letter}${sign}${exp < 10 ? `0${exp}` : String(exp)}`;
};

const formatF = (digits: Digits, prec: number): string => {
  let out = '';
  if (digits.dp > 0) for (let i = 0; i < digits.dp; i++) out += digitAt(digits, i);
  else out = '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(digits, digits.dp + i - 1);
  }
  return out;
};

export type FloatFormat = 'e' | 'E' | 'f' | 'g' | 'G';

/** `strconv.FormatFloat(v, format, prec, 64)`; `prec < 0` asks for the shortest representation. */
export const formatFloat = (v: number, format: FloatFormat, prec: number): string => {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  const shortest = prec < 0;
  let digits: Digits;
  let p = prec;
  if (shortest) {
    digits = shortestDigits(abs);
    if (format === 'e' || format === 'E') p = Math.max(digits.d.length - 1, 0);
    else if (format === 'f') p = Math.max(digits.d.length - digits.dp, 0);
    else p = digits.d.length;
  } else {
    const exact = exactDigits(abs);
    if (format === 'f') digits = roundTo(exact, exact.dp + p);
    else {
      if ((format === 'g' || format === 'G') && p === 0) p = 1;
      digits = roundTo(exact, format === 'e' || format === 'E' ? p + 1 : p);
    }
  }
  let body: string;
  if (format === 'e' || format === 'E') body = formatE(digits, p, format);
  else if (format === 'f') body = formatF(digits, p);
  else {
    let eprec = p;
    if (eprec > digits.d.length && digits.d.length >= digits.dp) eprec = digits.d.length;
    if (shortest) eprec = 6;
    const exp = digits.dp - 1;
    if (digits.d.length > 0 && (exp < -4 || exp >= eprec)) {
      body = formatE(digits, Math.min(p, digits.d.length) - 1, format === 'g' ? 'e' : 'E');
    } else {
      body = formatF(digits, Math.max((p > digits.dp ? digits.d.length : p) - digits.dp, 0));
    }
  }
  return neg ? `-${body}` : body;
};

/** encoding/json's float encoding (`floatEncoder.encode`): 'f' unless tiny or huge, `e-07` → `e-7`. */
export const formatJsonFloat = (v: number): string => {
  const abs = Math.abs(v);
  const useE = abs !== 0 && (abs < 1e-6 || abs >= 1e21);
  const out = formatFloat(v, useE ? 'e' : 'f', -1);
  return useE ? out.replace(/e([+-])0(\d)$/, 'e$1$2') : out;
};
