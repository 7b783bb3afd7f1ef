/**
 * Go strings are UTF-8 bytes while JS strings are UTF-16. These helpers give the byte-oriented answers Go
 * gives (`len`, slicing, byte-wise ordering) and the `unicode` package predicates text/template, fmt and
 * Sprig rely on.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export const utf8Encode = (s: string): Uint8Array => encoder.encode(s);
export const utf8Decode = (bytes: Uint8Array): string => decoder.decode(bytes);

/** `len(s)` in Go: the number of UTF-8 bytes. */
export const byteLength = (s: string): number => {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
};

/** `s[start:end]` in Go (byte offsets); a cut through a multi-byte rune decodes to U+FFFD. */
export const byteSlice = (s: string, start: number, end?: number): string => {
  if (isAscii(s)) return s.slice(start, end);
  return utf8Decode(utf8Encode(s).subarray(start, end));
};

export const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
};

export const runeCount = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Go compares strings byte-wise; UTF-8 byte order is code point order (not UTF-16 unit order). */
export const compareStrings = (a: string, b: string): number => {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
};

/** `unicode.IsSpace`. */
export const isSpace = (cp: number): boolean =>
  cp === 0x20 ||
  (cp >= 0x09 && cp <= 0x0d) ||
  cp === 0x85 ||
  cp === 0xa0 ||
  (cp > 0xff && /\p{Zs}|\p{Zl}|\p{Zp}/u.test(String.fromCodePoint(cp)));

export const isLetter = (cp: number): boolean => /\p{L}/u.test(String.fromCodePoint(cp));
export const isDigit = (cp: number): boolean => /\p{Nd}/u.test(String.fromCodePoint(cp));
export const isUpper = (cp: number): boolean => /\p{Lu}/u.test(String.fromCodePoint(cp));
export const isLower = (cp: number): boolean => /\p{Ll}/u.test(String.fromCodePoint(cp));
export const isTitle = (cp: number): boolean => /\p{Lt}/u.test(String.fromCodePoint(cp));

/** `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export const isPrint = (cp: number): boolean =>
  cp === 0x20 || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(String.fromCodePoint(cp));

/** Simple (one rune to one rune) case mapping, as `unicode.ToUpper`/`ToLower`/`ToTitle` do. */
const mapRune = (cp: number, mapped: string): number => {
  const chars = [...mapped];
  return chars.length === 1 ? (chars[0]?.codePointAt(0) ?? cp) : cp;
};
export const toUpperRune = (cp: number): number => mapRune(cp, String.fromCodePoint(cp).toUpperCase());
export const toLowerRune = (cp: number): number => mapRune(cp, String.fromCodePoint(cp).toLowerCase());
/** Title case equals upper case except for the few digraphs (ǅ…) JS cannot express; close enough. */
export const toTitleRune = (cp: number): number => {
  switch (cp) {
    case 0x1c4:
    case 0x1c5:
    case 0x1c6:
      return 0x1c5;
    case 0x1c7:
    case 0x1c8:
    case 0x1c9:
      return 0x1c8;
    case 0x1ca:
    case 0x1cb:
    case 0x1cc:
      return 0x1cb;
    case 0x1f1:
    case 0x1f2:
    case 0x1f3:
      return 0x1f2;
    default:
      return toUpperRune(cp);
  }
};

export const mapRunes = (s: string, f: (cp: number) => number): string => {
  let out = '';
  for (const ch of s) out += String.fromCodePoint(f(ch.codePointAt(0) ?? 0));
  return out;
};

export const codePoints = (s: string): number[] => Array.from(s, (ch) => ch.codePointAt(0) ?? 0);

export const fromCodePoints = (cps: readonly number[]): string => {
  let out = '';
  for (let i = 0; i < cps.length; i += 4096) out += String.fromCodePoint(...cps.slice(i, i + 4096));
  return out;
};

/** `strings.TrimSpace`. */
export const trimSpace = (s: string): string => {
  const cps = codePoints(s);
  let start = 0;
  let end = cps.length;
  while (start < end && isSpace(cps[start] ?? 0)) start++;
  while (end > start && isSpace(cps[end - 1] ?? 0)) end--;
  return fromCodePoints(cps.slice(start, end));
};
