/**
 * fmt's formatting of single values with flags, width and precision (Go `fmt/format.go`):
 * padding, integers in every base, floats, strings (`%s %q %x`), runes (`%c %q %U`).
 */
import { formatFloat } from './float-format.ts';
import { canBackquote, quote, quoteRune, quoteToAscii } from './quote.ts';
import { byteLength, isPrint, runeCount, utf8Encode } from './utf8.ts';

export interface FmtFlags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  /** `%+v`: struct field names. */
  plusV: boolean;
  /** `%#v`: Go syntax. */
  sharpV: boolean;
  widPresent: boolean;
  wid: number;
  precPresent: boolean;
  prec: number;
}

export const newFlags = (): FmtFlags => ({
  plus: false,
  minus: false,
  sharp: false,
  space: false,
  zero: false,
  plusV: false,
  sharpV: false,
  widPresent: false,
  wid: 0,
  precPresent: false,
  prec: 0,
});

const padding = (f: FmtFlags, n: number): string => (n > 0 ? (f.zero ? '0' : ' ').repeat(n) : '');

/** `fmt.padString`: pads to the width in runes, left unless `-`. */
export const pad = (f: FmtFlags, s: string): string => {
  if (!f.widPresent || f.wid === 0) return s;
  const fill = padding(f, f.wid - runeCount(s));
  return f.minus ? s + fill : fill + s;
};

const padNoZero = (f: FmtFlags, s: string): string => pad({ ...f, zero: false }, s);

const LOWER = '0123456789abcdefx';
const UPPER = '0123456789ABCDEFX';

/** `fmt.fmtInteger`. */
export const fmtInteger = (
  f: FmtFlags,
  value: bigint,
  base: 2 | 8 | 10 | 16,
  verb: string,
  upper = false,
): string => {
  const negative = value < 0n;
  const u = negative ? -value : value;
  let prec = 0;
  if (f.precPresent) {
    prec = f.prec;
    if (prec === 0 && u === 0n) return f.widPresent ? ' '.repeat(Math.max(f.wid, 0)) : '';
  } else if (f.zero && !f.minus && f.widPresent) {
    prec = f.wid;
    if (negative || f.plus || f.space) prec--;
  }
  let digits = u.toString(base);
  if (upper) digits = digits.toUpperCase();
  if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
  if (f.sharp) {
    if (base === 2) digits = `0b${digits}`;
    else if (base === 8 && !digits.startsWith('0')) digits = `0${digits}`;
    else if (base === 16) digits = `0${upper ? UPPER[16] : LOWER[16]}${digits}`;
  }
  if (verb === 'O') digits = `0o${digits}`;
  if (negative) digits = `-${digits}`;
  else if (f.plus) digits = `+${digits}`;
  else if (f.space) digits = ` ${digits}`;
  return padNoZero(f, digits);
};

const validRune = (cp: bigint): number =>
  cp < 0n || cp > 0x10ffffn || (cp >= 0xd800n && cp <= 0xdfffn) ? 0xfffd : Number(cp);

/** `%c`. */
export const fmtC = (f: FmtFlags, value: bigint): string =>
  padNoZero(f, String.fromCodePoint(validRune(value)));

/** `%q` on an integer: a quoted rune. */
export const fmtQc = (f: FmtFlags, value: bigint): string => {
  const r = validRune(value);
  const ch = String.fromCodePoint(r);
  if (f.sharp && canBackquote(ch)) return padNoZero(f, `\`${ch}\``);
  return padNoZero(f, quoteRune(r, f.plus));
};

/** `%U`. */
export const fmtUnicode = (f: FmtFlags, value: bigint): string => {
  let hex = (value < 0n ? BigInt.asUintN(64, value) : value).toString(16).toUpperCase();
  const prec = f.precPresent && f.prec > 4 ? f.prec : 4;
  if (hex.length < prec) hex = '0'.repeat(prec - hex.length) + hex;
  let out = `U+${hex}`;
  if (f.sharp && value >= 0n && value <= 0x10ffffn && isPrint(Number(value)))
    out += ` '${String.fromCodePoint(Number(value))}'`;
  return padNoZero(f, out);
};

/** `fmt.fmtFloat` for verbs v, e, E, f, F, g, G. */
export const fmtFloat = (f: FmtFlags, v: number, verb: string): string => {
  const format = verb === 'v' ? 'g' : verb === 'F' ? 'f' : (verb as 'e' | 'E' | 'f' | 'g' | 'G');
  const defaultPrec = verb === 'v' || verb === 'g' || verb === 'G' ? -1 : 6;
  let num = formatFloat(v, format, f.precPresent ? f.prec : defaultPrec);
  if (num[0] !== '-' && num[0] !== '+') num = `+${num}`;
  if (f.space && num[0] === '+' && !f.plus) num = ` ${num.slice(1)}`;
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
    return padNoZero(f, num);
  }
  if (f.plus || num[0] !== '+') {
    if (f.zero && !f.minus && f.widPresent && f.wid > num.length)
      return num[0] + '0'.repeat(f.wid - num.length) + num.slice(1);
    return pad(f, num);
  }
  return pad(f, num.slice(1));
};

const truncate = (f: FmtFlags, s: string): string => (f.precPresent ? [...s].slice(0, f.prec).join('') : s);

/** `%s`. */
export const fmtS = (f: FmtFlags, s: string): string => pad(f, truncate(f, s));

/** `%q` on a string. */
export const fmtQ = (f: FmtFlags, s: string): string => {
  const t = truncate(f, s);
  if (f.sharp && canBackquote(t)) return pad(f, `\`${t}\``);
  return pad(f, f.plus ? quoteToAscii(t) : quote(t));
};

/** `%x` / `%X` on a string: hex of its UTF-8 bytes (`fmt.fmtSbx`). */
export const fmtSx = (f: FmtFlags, s: string, upper: boolean): string => {
  const digits = upper ? UPPER : LOWER;
  let length = byteLength(s);
  if (f.precPresent && f.prec < length) length = f.prec;
  let width = 2 * length;
  if (width <= 0) return f.widPresent ? padding(f, f.wid) : '';
  if (f.space) {
    if (f.sharp) width *= 2;
    width += length - 1;
  } else if (f.sharp) width += 2;
  const bytes = utf8Encode(s);
  let out = f.sharp ? `0${digits[16]}` : '';
  for (let i = 0; i < length; i++) {
    if (f.space && i > 0) out += f.sharp ? ` 0${digits[16]}` : ' ';
    const c = bytes[i] ?? 0;
    out += (digits[c >> 4] ?? '') + (digits[c & 0xf] ?? '');
  }
  if (f.widPresent && f.wid > width) {
    const fill = padding(f, f.wid - width);
    return f.minus ? out + fill : fill + out;
  }
  return out;
};
