/**
 * Go's `strconv.ParseFloat(s, 64)` (Go `strconv/atof.go`: `special`, `readFloat`, `atofHex`,
 * `underscoreOK`), which Flux's numerical policy applies to every candidate
 * (image-reflector-controller `internal/policy/numerical.go`). JavaScript's `Number()` is not a
 * substitute: it accepts `0x10`, `''` and surrounding spaces, and rejects `1_000` and `0x1p4`.
 *
 * Accepted: optional sign; decimal digits with optional `.` and `e`/`E` exponent; hex mantissa
 * `0x…` that MUST carry a `p`/`P` binary exponent; `_` only between digits (or after `0x`);
 * `inf`, `infinity`, `nan` in any case (signs only on the infinities). Values are rounded to the
 * nearest float64; a finite literal that overflows is a range error, as in Go (Flux then rejects
 * the tag); underflow quietly gives 0 or a subnormal.
 */
export type GoFloatParse =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly error: 'syntax' | 'range' };

const SYNTAX: GoFloatParse = { ok: false, error: 'syntax' };
const RANGE: GoFloatParse = { ok: false, error: 'range' };

const lower = (code: number): number => code | 0x20;
const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;
const isHexLetter = (code: number): boolean => lower(code) >= 0x61 && lower(code) <= 0x66;

/** Go's `special`: [+-]inf, [+-]infinity, nan (case-insensitive); the whole string must match. */
const parseSpecial = (s: string): GoFloatParse | undefined => {
  const text = s.toLowerCase();
  if (text === 'nan') return { ok: true, value: Number.NaN };
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  if (body === 'inf' || body === 'infinity') return { ok: true, value: sign * Number.POSITIVE_INFINITY };
  // Go recognises the prefix and then fails on the leftover text: still a syntax error.
  return body.startsWith('inf') || text.startsWith('nan') ? SYNTAX : undefined;
};

/** Go's `underscoreOK`: underscores only between digits, or between a base prefix and a digit. */
const underscoresAllowed = (s: string): boolean => {
  let text = s;
  if (text.startsWith('-') || text.startsWith('+')) text = text.slice(1);
  let saw = '^';
  let i = 0;
  let hex = false;
  if (text.length >= 2 && text[0] === '0' && 'box'.includes(String.fromCharCode(lower(text.charCodeAt(1))))) {
    i = 2;
    saw = '0';
    hex = lower(text.charCodeAt(1)) === 0x78;
  }
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isDigit(code) || (hex && isHexLetter(code))) {
      saw = '0';
    } else if (code === 0x5f) {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
};

interface ScannedFloat {
  readonly negative: boolean;
  readonly hex: boolean;
  readonly digits: string;
  readonly fractionDigits: number;
  /** Exponent as written (decimal power for `e`, binary power for `p`), capped like Go's. */
  readonly exponent: number;
}

/** Go's `readFloat` over the whole string; undefined on any syntax error. */
const scanFloat = (s: string): ScannedFloat | undefined => {
  let i = 0;
  const negative = s[0] === '-';
  if (s[0] === '-' || s[0] === '+') i++;
  const hex = i + 2 < s.length && s[i] === '0' && lower(s.charCodeAt(i + 1)) === 0x78;
  if (hex) i += 2;
  let digits = '';
  let fractionDigits = 0;
  let sawDot = false;
  for (; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code === 0x5f) continue;
    if (code === 0x2e && !sawDot) {
      sawDot = true;
      continue;
    }
    if (!isDigit(code) && !(hex && isHexLetter(code))) break;
    digits += s[i];
    if (sawDot) fractionDigits++;
  }
  if (digits === '') return undefined;
  let exponent = 0;
  if (i < s.length && lower(s.charCodeAt(i)) === (hex ? 0x70 : 0x65)) {
    i++;
    const sign = s[i] === '-' ? -1 : 1;
    if (s[i] === '-' || s[i] === '+') i++;
    if (i >= s.length || !isDigit(s.charCodeAt(i))) return undefined;
    for (; i < s.length && (isDigit(s.charCodeAt(i)) || s[i] === '_'); i++) {
      // Go stops accumulating past 10000; the value is then 0 or out of range anyway.
      if (s[i] !== '_' && exponent < 10000) exponent = exponent * 10 + (s.charCodeAt(i) - 0x30);
    }
    exponent *= sign;
  } else if (hex) {
    return undefined;
  }
  if (i !== s.length || !underscoresAllowed(s)) return undefined;
  return { negative, hex, digits, fractionDigits, exponent };
};

const FLOAT64_MIN_EXPONENT = -1074; // exponent of the smallest subnormal's lowest bit
const FLOAT64_MANTISSA_BITS = 53;

/** mantissa × 2^exponent rounded to nearest-even float64 (Go's `atofHex` result). */
const binaryToFloat = (mantissa: bigint, exponent: number): number => {
  if (mantissa === 0n) return 0;
  const bits = mantissa.toString(2).length;
  const top = bits - 1 + exponent;
  if (top >= 1024) return Number.POSITIVE_INFINITY;
  const lowBit = Math.max(top - (FLOAT64_MANTISSA_BITS - 1), FLOAT64_MIN_EXPONENT);
  const drop = lowBit - exponent;
  let kept: bigint;
  if (drop <= 0) {
    kept = mantissa << BigInt(-drop);
  } else if (drop > bits + 1) {
    kept = 0n; // below a quarter of the smallest subnormal
  } else {
    const shift = BigInt(drop);
    kept = mantissa >> shift;
    const remainder = mantissa - (kept << shift);
    const half = 1n << (shift - 1n);
    if (remainder > half || (remainder === half && (kept & 1n) === 1n)) kept += 1n;
  }
  return Number(kept) * 2 ** lowBit;
};

const scannedValue = (scanned: ScannedFloat): number => {
  if (scanned.hex) {
    const magnitude = binaryToFloat(
      BigInt(`0x${scanned.digits}`),
      scanned.exponent - 4 * scanned.fractionDigits,
    );
    return scanned.negative ? -magnitude : magnitude;
  }
  // V8's decimal conversion is correctly rounded, like Go's; only the syntax had to be Go's.
  const exponent = scanned.exponent - scanned.fractionDigits;
  return Number(`${scanned.negative ? '-' : ''}${scanned.digits}e${exponent}`);
};

/** Parses `s` exactly as Go's `strconv.ParseFloat(s, 64)`. */
export const parseGoFloat = (s: string): GoFloatParse => {
  const special = parseSpecial(s);
  if (special !== undefined) return special;
  const scanned = scanFloat(s);
  if (scanned === undefined) return SYNTAX;
  const value = scannedValue(scanned);
  return Number.isFinite(value) ? { ok: true, value } : RANGE;
};
