/**
 * Sprig's regular-expression functions (Masterminds/sprig v3.3 `regex.go`) on RE2 semantics (re2js,
 * linear time, the same syntax as Go's `regexp`). Match iteration, `$name` expansion and `Split` follow
 * Go `regexp/regexp.go` (`allMatches`, `replaceAll`, `expand`, `Split`).
 */
import { RE2JS } from 're2js';
import { expandGoTemplate } from '../policy/go-expand.ts';
import { type FuncDef, FuncError, fn } from './func-def.ts';
import { T } from './go-types.ts';
import { type GoValue, stringSlice } from './go-values.ts';

interface Match {
  readonly start: number;
  readonly end: number;
  readonly groups: readonly (string | null)[];
}

const compile = (pattern: string): RE2JS => {
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    throw new FuncError(`regexp: Compile(\`${pattern}\`): ${(error as Error).message}`);
  }
};

const matchAt = (re: RE2JS, s: string, pos: number): Match | undefined => {
  const m = re.matcher(s);
  if (!m.find(pos)) return undefined;
  const groups: (string | null)[] = [];
  for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g));
  return { start: m.start(), end: m.end(), groups };
};

const runeWidth = (s: string, pos: number): number => ((s.codePointAt(pos) ?? 0) > 0xffff ? 2 : 1);

/** Go `allMatches`: successive non-overlapping matches; an empty match right after a match is skipped. */
const allMatches = (re: RE2JS, s: string, n: number): Match[] => {
  const out: Match[] = [];
  const limit = n < 0 ? s.length + 1 : n;
  let pos = 0;
  let prevEnd = -1;
  while (out.length < limit && pos <= s.length) {
    const m = matchAt(re, s, pos);
    if (!m) break;
    let accept = true;
    if (m.end === pos) {
      if (m.start === prevEnd) accept = false;
      pos += pos < s.length ? runeWidth(s, pos) : 1;
    } else pos = m.end;
    prevEnd = m.end;
    if (accept) out.push(m);
  }
  return out;
};

/** Go `replaceAll`. */
const replaceAll = (re: RE2JS, s: string, repl: (m: Match) => string): string => {
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  while (searchPos <= s.length) {
    const m = matchAt(re, s, searchPos);
    if (!m) break;
    out += s.slice(lastEnd, m.start);
    if (m.end > lastEnd || m.start === 0) out += repl(m);
    lastEnd = m.end;
    const width = searchPos < s.length ? runeWidth(s, searchPos) : 0;
    if (searchPos + width > m.end) searchPos += width;
    else if (searchPos + 1 > m.end) searchPos++;
    else searchPos = m.end;
  }
  return out + s.slice(lastEnd);
};

/** Go `Regexp.Split`. */
const split = (pattern: string, re: RE2JS, s: string, n: number): GoValue => {
  if (n === 0) return stringSlice([]);
  if (pattern.length > 0 && s.length === 0) return stringSlice(['']);
  const parts: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of allMatches(re, s, n)) {
    if (n > 0 && parts.length === n - 1) break;
    end = m.start;
    if (m.end !== 0) parts.push(s.slice(beg, end));
    beg = m.end;
  }
  if (end !== s.length) parts.push(s.slice(beg));
  return stringSlice(parts);
};

const S = T.string;
const str = (v: GoValue): string => v as string;
const int = (v: GoValue): number => Number(v as bigint);

const regexMatch =
  (must: boolean) =>
  ([pattern, s]: GoValue[]): boolean => {
    try {
      return RE2JS.compile(str(pattern)).test(str(s));
    } catch (error) {
      if (must) throw new FuncError((error as Error).message);
      return false;
    }
  };

const findAll = ([pattern, s, n]: GoValue[]): GoValue =>
  stringSlice(allMatches(compile(str(pattern)), str(s), int(n)).map((m) => m.groups[0] ?? ''));

const find = ([pattern, s]: GoValue[]): GoValue => matchAt(compile(str(pattern)), str(s), 0)?.groups[0] ?? '';

const replace = ([pattern, s, repl]: GoValue[]): GoValue => {
  const re = compile(str(pattern));
  return replaceAll(re, str(s), (m) =>
    expandGoTemplate(
      str(repl),
      m.groups.map((g) => g ?? undefined),
      new Map(Object.entries(re.namedGroups())),
    ),
  );
};

const replaceLiteral = ([pattern, s, repl]: GoValue[]): GoValue =>
  replaceAll(compile(str(pattern)), str(s), () => str(repl));

const splitFn = ([pattern, s, n]: GoValue[]): GoValue =>
  split(str(pattern), compile(str(pattern)), str(s), int(n));

export const SPRIG_REGEX: Readonly<Record<string, FuncDef>> = {
  regexMatch: fn([S, S], regexMatch(false)),
  mustRegexMatch: fn([S, S], regexMatch(true)),
  regexFindAll: fn([S, S, T.int], findAll),
  mustRegexFindAll: fn([S, S, T.int], findAll),
  regexFind: fn([S, S], find),
  mustRegexFind: fn([S, S], find),
  regexReplaceAll: fn([S, S, S], replace),
  mustRegexReplaceAll: fn([S, S, S], replace),
  regexReplaceAllLiteral: fn([S, S, S], replaceLiteral),
  mustRegexReplaceAllLiteral: fn([S, S, S], replaceLiteral),
  regexSplit: fn([S, S, T.int], splitFn),
  mustRegexSplit: fn([S, S, T.int], splitFn),
  regexQuoteMeta: fn([S], ([s]) => str(s).replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')),
};
