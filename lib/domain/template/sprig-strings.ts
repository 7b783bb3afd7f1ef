/**
 * Sprig's string functions (Masterminds/sprig v3.3 `functions.go`, `strings.go`, and the goutils
 * helpers they call). Byte-oriented functions (`trunc`, `substr`, `abbrev`) count UTF-8 bytes as Go does.
 */

import { formatValue } from './fmt-printer.ts';
import { type FuncDef, FuncError, fn } from './func-def.ts';
import { T } from './go-types.ts';
import type { GoValue } from './go-values.ts';
import { quote } from './quote.ts';
import { strval } from './sprig-cast.ts';
import {
  byteLength,
  byteSlice,
  codePoints,
  fromCodePoints,
  isDigit,
  isLetter,
  isLower,
  isSpace,
  isTitle,
  isUpper,
  mapRunes,
  toLowerRune,
  toTitleRune,
  toUpperRune,
  trimSpace,
  utf8Encode,
} from './utf8.ts';

const S = T.string;
const I = T.int;
const str = (v: GoValue): string => v as string;
const int = (v: GoValue): number => Number(v as bigint);

/** Go's message for a slice expression out of range. */
const sliceBounds = (detail: string): never => {
  throw new FuncError(`runtime error: slice bounds out of range ${detail}`);
};

const repeat = (s: string, count: number): string => {
  if (count < 0) throw new FuncError('strings: negative Repeat count');
  if (s.length * count > 1 << 24) throw new FuncError('strings: Repeat output length overflow');
  return s.repeat(count);
};

/** goutils `AbbreviateFull` (byte offsets). */
const abbreviateFull = (s: string, offset: number, maxWidth: number): string => {
  if (s === '') return '';
  if (maxWidth < 4) throw new FuncError('stringutils illegal argument: Minimum abbreviation width is 4');
  const len = byteLength(s);
  if (len <= maxWidth) return s;
  let off = Math.min(offset, len);
  if (len - off < maxWidth - 3) off = len - (maxWidth - 3);
  if (off <= 4) return `${byteSlice(s, 0, maxWidth - 3)}...`;
  if (maxWidth < 7)
    throw new FuncError('stringutils illegal argument: Minimum abbreviation width with offset is 7');
  if (off + maxWidth - 3 < len) return `...${abbreviateFull(byteSlice(s, off), 0, maxWidth - 3)}`;
  return `...${byteSlice(s, len - (maxWidth - 3))}`;
};

const trunc = (c: number, s: string): string => {
  const len = byteLength(s);
  if (c < 0 && len + c > 0) return byteSlice(s, len + c);
  if (c >= 0 && len > c) return byteSlice(s, 0, c);
  return s;
};

const substr = (start: number, end: number, s: string): string => {
  const len = byteLength(s);
  if (start < 0) {
    if (end < 0 || end > len) sliceBounds(`[:${end}] with length ${len}`);
    return byteSlice(s, 0, end);
  }
  if (end < 0 || end > len) {
    if (start > len) sliceBounds(`[${start}:${len}]`);
    return byteSlice(s, start);
  }
  if (start > end) sliceBounds(`[${start}:${end}]`);
  return byteSlice(s, start, end);
};

/** `strings.Title`: upper-cases the first letter of each word (words split at non-alphanumerics). */
const title = (s: string): string => {
  const isSeparator = (cp: number): boolean => {
    if (cp <= 0x7f) return !/[0-9A-Za-z_]/.test(String.fromCharCode(cp));
    if (isLetter(cp) || isDigit(cp)) return false;
    return isSpace(cp);
  };
  let prev = 0x20;
  return mapRunes(s, (cp) => {
    const out = isSeparator(prev) ? toTitleRune(cp) : cp;
    prev = cp;
    return out;
  });
};

/** goutils `Uncapitalize`: lower-cases the first letter of each whitespace-separated word. */
const untitle = (s: string): string => {
  let next = true;
  return mapRunes(s, (cp) => {
    if (isSpace(cp)) {
      next = true;
      return cp;
    }
    if (next) {
      next = false;
      return toLowerRune(cp);
    }
    return cp;
  });
};

/** goutils `SwapCase`. */
const swapcase = (s: string): string => {
  let whitespace = true;
  return mapRunes(s, (cp) => {
    if (isUpper(cp) || isTitle(cp)) {
      whitespace = false;
      return toLowerRune(cp);
    }
    if (isLower(cp)) {
      if (whitespace) {
        whitespace = false;
        return toTitleRune(cp);
      }
      return toUpperRune(cp);
    }
    whitespace = isSpace(cp);
    return cp;
  });
};

/**
 * goutils `DeleteWhiteSpace` and `Initials` walk bytes, not runes, and write each byte back as a rune;
 * non-ASCII text comes out as Latin-1 mojibake in Flux too. Reproduced for identical output.
 */
const latin1 = (bytes: number[]): string => {
  // In slices: a spread of a long string's bytes would exceed the engine's argument limit.
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.slice(i, i + 4096));
  return out;
};
const nospace = (s: string): string => {
  const bytes = [...utf8Encode(s)];
  const kept = bytes.filter((b) => !isSpace(b));
  return kept.length === bytes.length ? s : latin1(kept);
};
const initials = (s: string): string => {
  const out: number[] = [];
  let gap = true;
  for (const b of utf8Encode(s)) {
    if (isSpace(b)) gap = true;
    else if (gap) {
      out.push(b);
      gap = false;
    }
  }
  return latin1(out);
};

/** `strings.Trim(s, cutset)`. */
const trimCutset = (s: string, cutset: string): string => {
  const cut = new Set(codePoints(cutset));
  const cps = codePoints(s);
  let start = 0;
  let end = cps.length;
  while (start < end && cut.has(cps[start] ?? -1)) start++;
  while (end > start && cut.has(cps[end - 1] ?? -1)) end--;
  return fromCodePoints(cps.slice(start, end));
};

/** `strings.Replace(s, old, new, -1)`; an empty `old` matches before every rune and at the end. */
const replaceAll = (s: string, old: string, replacement: string): string =>
  old === '' ? [...s].map((ch) => replacement + ch).join('') + replacement : s.split(old).join(replacement);

/** goutils `WrapCustom`. */
const wrap = (str0: string, wrapLength: number, newLine: string, wrapLongWords: boolean): string => {
  if (str0 === '') return '';
  const nl = newLine === '' ? '\n' : newLine;
  const width = Math.max(wrapLength, 1);
  const len = byteLength(str0);
  const s = (a: number, b?: number): string => byteSlice(str0, a, b);
  let offset = 0;
  let out = '';
  while (len - offset > width) {
    if (s(offset, offset + 1) === ' ') {
      offset++;
      continue;
    }
    const space = s(offset, width + offset + 1).lastIndexOf(' ');
    const spaceAt = space < 0 ? -1 : byteLength(s(offset, width + offset + 1).slice(0, space)) + offset;
    if (spaceAt >= offset) {
      out += s(offset, spaceAt) + nl;
      offset = spaceAt + 1;
    } else if (wrapLongWords) {
      out += s(offset, width + offset) + nl;
      offset += width;
    } else {
      const rest = s(width + offset);
      const index = rest.indexOf(' ');
      if (index >= 0) {
        const at = byteLength(rest.slice(0, index)) + width + offset;
        out += s(offset, at) + nl;
        offset = at + 1;
      } else {
        out += s(offset);
        offset = len;
      }
    }
  }
  return out + s(offset);
};

const indent = (spaces: number, v: string): string => {
  const pad = repeat(' ', spaces);
  return pad + v.replaceAll('\n', `\n${pad}`);
};

export const SPRIG_STRINGS: Readonly<Record<string, FuncDef>> = {
  hello: fn([], () => 'Hello!'),
  abbrev: fn([I, S], ([w, s]) => (int(w) < 4 ? str(s) : abbreviateFull(str(s), 0, int(w)))),
  abbrevboth: fn([I, I, S], ([l, r, s]) =>
    int(r) < 4 || (int(l) > 0 && int(r) < 7) ? str(s) : abbreviateFull(str(s), int(l), int(r)),
  ),
  trunc: fn([I, S], ([c, s]) => trunc(int(c), str(s))),
  trim: fn([S], ([s]) => trimSpace(str(s))),
  upper: fn([S], ([s]) => mapRunes(str(s), toUpperRune)),
  lower: fn([S], ([s]) => mapRunes(str(s), toLowerRune)),
  title: fn([S], ([s]) => title(str(s))),
  untitle: fn([S], ([s]) => untitle(str(s))),
  substr: fn([I, I, S], ([a, b, s]) => substr(int(a), int(b), str(s))),
  repeat: fn([I, S], ([c, s]) => repeat(str(s), int(c))),
  trimall: fn([S, S], ([a, b]) => trimCutset(str(b), str(a))),
  trimAll: fn([S, S], ([a, b]) => trimCutset(str(b), str(a))),
  trimSuffix: fn([S, S], ([a, b]) =>
    str(b).endsWith(str(a)) ? str(b).slice(0, str(b).length - str(a).length) : str(b),
  ),
  trimPrefix: fn([S, S], ([a, b]) => (str(b).startsWith(str(a)) ? str(b).slice(str(a).length) : str(b))),
  nospace: fn([S], ([s]) => nospace(str(s))),
  initials: fn([S], ([s]) => initials(str(s))),
  swapcase: fn([S], ([s]) => swapcase(str(s))),
  wrap: fn([I, S], ([l, s]) => wrap(str(s), int(l), '', false)),
  wrapWith: fn([I, S, S], ([l, sep, s]) => wrap(str(s), int(l), str(sep), true)),
  contains: fn([S, S], ([sub, s]) => str(s).includes(str(sub))),
  hasPrefix: fn([S, S], ([p, s]) => str(s).startsWith(str(p))),
  hasSuffix: fn([S, S], ([p, s]) => str(s).endsWith(str(p))),
  quote: fn(
    [],
    (args) =>
      args
        .filter((a) => a !== undefined)
        .map((a) => quote(strval(a)))
        .join(' '),
    T.any,
  ),
  squote: fn(
    [],
    (args) =>
      args
        .filter((a) => a !== undefined)
        .map((a) => `'${formatValue(a)}'`)
        .join(' '),
    T.any,
  ),
  cat: fn(
    [],
    (args) =>
      args
        .filter((a) => a !== undefined)
        .map(formatValue)
        .join(' '),
    T.any,
  ),
  indent: fn([I, S], ([n, s]) => indent(int(n), str(s))),
  nindent: fn([I, S], ([n, s]) => `\n${indent(int(n), str(s))}`),
  replace: fn([S, S, S], ([o, n, s]) => replaceAll(str(s), str(o), str(n))),
  plural: fn([S, S, I], ([one, many, count]) => (count === 1n ? str(one) : str(many))),
  toString: fn([T.any], ([v]) => strval(v)),
};
