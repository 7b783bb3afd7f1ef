/**
 * Sprig's list functions (Masterminds/sprig v3.3 `list.go`): `list`, `first`, `last`, `rest`,
 * `initial`, `append`, `prepend`, `concat`, `reverse`, `uniq`, `without`, `has`, `compact`, `slice`,
 * `chunk`, `sortAlpha`, `join`, `splitList`, `split`, `until`… Errors carry Sprig's messages.
 */
import { type FuncDef, FuncError, fn, type ParamType } from './func-def.ts';
import { kindName, mapOf, sliceOf, T } from './go-types.ts';
import {
  anySlice,
  deepEqual,
  GoMap,
  GoSlice,
  type GoValue,
  isTrue,
  stringSlice,
  typeOf,
} from './go-values.ts';
import { strslice, toInt64 } from './sprig-cast.ts';
import { compareStrings } from './utf8.ts';

const MAX_LIST = 1_000_000;

/** `reflect.TypeOf(list).Kind()` checks: nil panics in Go, other kinds give Sprig's error. */
const asList = (list: GoValue, what: string): GoSlice => {
  if (list instanceof GoSlice) return list;
  if (list === undefined)
    throw new FuncError('runtime error: invalid memory address or nil pointer dereference');
  throw new FuncError(`${what} ${kindName(typeOf(list) ?? T.any)}`);
};

const listFn = (what: string, body: (items: readonly GoValue[], list: GoSlice) => GoValue): FuncDef =>
  fn([T.any], ([list]) => body(asList(list, what).items, asList(list, what)));

/** `empty` on a list element (Sprig `empty`). */
export const isEmpty = (v: GoValue): boolean => !isTrue(v);

const chunk = (size: number, list: GoValue): GoValue => {
  const items = asList(list, 'Cannot chunk type').items;
  const l = items.length;
  if (size === 0) throw new FuncError('runtime error: integer divide by zero');
  const count = Math.floor((l - 1) / size) + 1;
  const out: GoValue[] = [];
  for (let i = 0; i < count; i++) {
    let clen = size;
    if (i === count - 1) {
      clen = Math.floor(l % size);
      if (clen === 0) clen = size;
    }
    out.push(anySlice(items.slice(i * size, i * size + clen)));
  }
  return new GoSlice(sliceOf(sliceOf(T.any)), out);
};

const sliceList = (list: GoValue, indices: readonly GoValue[]): GoValue => {
  const l = asList(list, 'list should be type of slice or array but');
  const len = l.items.length;
  if (len === 0) return undefined;
  const start = indices.length > 0 ? Number(toInt64(indices[0])) : 0;
  const end = indices.length < 2 ? len : Number(toInt64(indices[1]));
  if (start < 0 || end > len || start > end) throw new FuncError('reflect: slice index out of range');
  return new GoSlice(l.type, l.items.slice(start, end));
};

const untilStep = (start: number, stop: number, step: number): GoSlice => {
  const out: GoValue[] = [];
  const push = (i: number): void => {
    if (out.length >= MAX_LIST) throw new FuncError(`list longer than ${MAX_LIST} elements`);
    out.push(BigInt(i));
  };
  if (stop < start) {
    if (step >= 0) return new GoSlice(sliceOf(T.int), []);
    for (let i = start; i > stop; i += step) push(i);
  } else if (step > 0) for (let i = start; i < stop; i += step) push(i);
  return new GoSlice(sliceOf(T.int), out);
};

const seq = (params: readonly number[]): string => {
  const join = (s: GoSlice): string => s.items.join(' ');
  const [a = 0, b = 0, c = 0] = params;
  switch (params.length) {
    case 1:
      return join(untilStep(1, a + (a < 1 ? -1 : 1), a < 1 ? -1 : 1));
    case 2:
      return join(untilStep(a, b + (b < a ? -1 : 1), b < a ? -1 : 1));
    case 3:
      if (c < a && b > 0) return '';
      return join(untilStep(a, c + (c < a ? -1 : 1), b));
    default:
      return '';
  }
};

const uniq = (items: readonly GoValue[]): GoValue[] => {
  const out: GoValue[] = [];
  for (const item of items) if (!out.some((o) => deepEqual(o, item))) out.push(item);
  return out;
};

const A: ParamType = T.any;
const num = (v: GoValue): number => Number(v as bigint);

export const SPRIG_LISTS: Readonly<Record<string, FuncDef>> = {
  list: fn([], (args) => anySlice(args, args.length === 0), A),
  tuple: fn([], (args) => anySlice(args, args.length === 0), A),
  first: listFn('Cannot find first on type', (items) => items[0]),
  mustFirst: listFn('Cannot find first on type', (items) => items[0]),
  last: listFn('Cannot find last on type', (items) => items[items.length - 1]),
  mustLast: listFn('Cannot find last on type', (items) => items[items.length - 1]),
  rest: listFn('Cannot find rest on type', (items) => anySlice(items.slice(1), items.length === 0)),
  mustRest: listFn('Cannot find rest on type', (items) => anySlice(items.slice(1), items.length === 0)),
  initial: listFn('Cannot find initial on type', (items) => anySlice(items.slice(0, -1), items.length === 0)),
  mustInitial: listFn('Cannot find initial on type', (items) =>
    anySlice(items.slice(0, -1), items.length === 0),
  ),
  reverse: listFn('Cannot find reverse on type', (items) => anySlice([...items].reverse())),
  mustReverse: listFn('Cannot find reverse on type', (items) => anySlice([...items].reverse())),
  uniq: listFn('Cannot find uniq on type', (items) => anySlice(uniq(items))),
  mustUniq: listFn('Cannot find uniq on type', (items) => anySlice(uniq(items))),
  compact: listFn('Cannot compact on type', (items) => anySlice(items.filter((i) => !isEmpty(i)))),
  mustCompact: listFn('Cannot compact on type', (items) => anySlice(items.filter((i) => !isEmpty(i)))),
  append: fn([A, A], ([l, v]) => anySlice([...asList(l, 'Cannot push on type').items, v])),
  push: fn([A, A], ([l, v]) => anySlice([...asList(l, 'Cannot push on type').items, v])),
  mustAppend: fn([A, A], ([l, v]) => anySlice([...asList(l, 'Cannot push on type').items, v])),
  mustPush: fn([A, A], ([l, v]) => anySlice([...asList(l, 'Cannot push on type').items, v])),
  prepend: fn([A, A], ([l, v]) => anySlice([v, ...asList(l, 'Cannot prepend on type').items])),
  mustPrepend: fn([A, A], ([l, v]) => anySlice([v, ...asList(l, 'Cannot prepend on type').items])),
  without: fn(
    [A],
    ([l, ...omit]) =>
      anySlice(
        asList(l, 'Cannot find without on type').items.filter((i) => !omit.some((o) => deepEqual(o, i))),
      ),
    A,
  ),
  mustWithout: fn(
    [A],
    ([l, ...omit]) =>
      anySlice(
        asList(l, 'Cannot find without on type').items.filter((i) => !omit.some((o) => deepEqual(o, i))),
      ),
    A,
  ),
  has: fn(
    [A, A],
    ([needle, l]) =>
      l !== undefined && asList(l, 'Cannot find has on type').items.some((i) => deepEqual(needle, i)),
  ),
  mustHas: fn(
    [A, A],
    ([needle, l]) =>
      l !== undefined && asList(l, 'Cannot find has on type').items.some((i) => deepEqual(needle, i)),
  ),
  slice: fn([A], ([l, ...indices]) => sliceList(l, indices), A),
  mustSlice: fn([A], ([l, ...indices]) => sliceList(l, indices), A),
  concat: fn(
    [],
    (lists) => {
      const out: GoValue[] = [];
      for (const l of lists) for (const item of asList(l, 'Cannot concat type').items) out.push(item);
      return anySlice(out, out.length === 0);
    },
    A,
  ),
  chunk: fn([T.int, A], ([size, l]) => chunk(num(size), l)),
  mustChunk: fn([T.int, A], ([size, l]) => chunk(num(size), l)),
  sortAlpha: fn([A], ([l]) =>
    l instanceof GoSlice
      ? stringSlice([...(strslice(l).items as string[])].sort(compareStrings))
      : strslice(l === undefined ? '<nil>' : l),
  ),
  join: fn([T.string, A], ([sep, l]) => (strslice(l).items as string[]).join(sep as string)),
  toStrings: fn([A], ([l]) => strslice(l)),
  splitList: fn([T.string, T.string], ([sep, s]) => stringSlice(goSplit(s as string, sep as string))),
  split: fn([T.string, T.string], ([sep, s]) => splitMap(goSplit(s as string, sep as string))),
  splitn: fn([T.string, T.int, T.string], ([sep, n, s]) =>
    splitMap(splitN(s as string, sep as string, num(n))),
  ),
  until: fn([T.int], ([n]) => untilStep(0, num(n), num(n) < 0 ? -1 : 1)),
  untilStep: fn([T.int, T.int, T.int], ([a, b, c]) => untilStep(num(a), num(b), num(c))),
  seq: fn([], (params) => seq(params.map(num)), T.int),
};

/** `strings.Split`: an empty separator splits after each rune. */
const goSplit = (s: string, sep: string): string[] => (sep === '' ? [...s] : s.split(sep));

/** `strings.SplitN`. */
const splitN = (s: string, sep: string, n: number): string[] => {
  if (n === 0) return [];
  const parts = goSplit(s, sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
};

/** Sprig's `split`: a map with keys `_0`, `_1`, … */
const splitMap = (parts: string[]): GoMap =>
  new GoMap(
    mapOf(T.string, T.string),
    parts.map((part, i) => [`_${i}`, part] as const),
  );
