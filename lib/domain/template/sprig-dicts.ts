/**
 * Sprig's dictionary, default, JSON, reflection and flow-control functions (Masterminds/sprig v3.3
 * `dict.go`, `defaults.go`, `reflect.go`). Where Go iterates a map in random order (`keys`, `values`)
 * this implementation uses Go's sorted order, one of the orders Flux could produce.
 */
import { type FuncDef, FuncError, fn } from './func-def.ts';
import { JsonError, marshalJson, unmarshalJson } from './go-json.ts';
import { kindName, mapOf, T } from './go-types.ts';
import {
  anySlice,
  deepEqual,
  GoMap,
  GoSlice,
  GoStruct,
  type GoValue,
  isTrue,
  newDict,
  stringSlice,
  typeName,
  typeOf,
} from './go-values.ts';
import { strval } from './sprig-cast.ts';

const D = mapOf(T.string, T.any);
const A = T.any;
const S = T.string;

const dict = (v: GoValue): GoMap => v as GoMap;
const str = (v: GoValue): string => v as string;

/** Sprig `empty`: zero values, empty collections and nil are empty; structs never are. */
export const empty = (v: GoValue): boolean => (v instanceof GoStruct ? false : !isTrue(v));

const merge = (dst: GoMap, src: GoMap, overwrite: boolean): void => {
  for (const { key, value } of src.sorted()) {
    const current = dst.get(key);
    if (value === undefined) {
      if (overwrite) dst.set(key, value);
      continue;
    }
    if (value instanceof GoMap && current instanceof GoMap) {
      merge(current, value, overwrite);
      continue;
    }
    if (overwrite || !dst.has(key) || empty(current)) dst.set(key, value);
  }
};

const deepCopy = (v: GoValue): GoValue => {
  if (v instanceof GoSlice) return new GoSlice(v.type, v.items.map(deepCopy), v.isNil);
  if (v instanceof GoMap)
    return new GoMap(
      v.type,
      v.sorted().map(({ key, value }) => [key, deepCopy(value)] as const),
      v.isNil,
    );
  if (v instanceof GoStruct) return new GoStruct(v.type, v.values.map(deepCopy));
  return v;
};

/** A Go type assertion `x.(T)` that panics with Go's message. */
const assertDict = (v: GoValue): GoMap => {
  if (v instanceof GoMap && v.type.name === D.name) return v;
  throw new FuncError(
    `interface conversion: interface {} is ${v === undefined ? 'nil' : typeName(v)}, not map[string]interface {}`,
  );
};

const dig = (ps: readonly GoValue[]): GoValue => {
  if (ps.length < 3) throw new FuncError('dig needs at least three arguments');
  let current = assertDict(ps[ps.length - 1]);
  const fallback = ps[ps.length - 2];
  const keys = ps.slice(0, -2).map((k) => {
    if (typeof k !== 'string')
      throw new FuncError(`interface conversion: interface {} is ${typeName(k)}, not string`);
    return k;
  });
  for (const [i, key] of keys.entries()) {
    if (!current.has(key)) return fallback;
    const step = current.get(key);
    if (i === keys.length - 1) return step;
    current = assertDict(step);
  }
  return fallback;
};

const json =
  (indent: string, escapeHtml: boolean, must: boolean) =>
  ([v]: GoValue[]): GoValue => {
    try {
      return marshalJson(v, { indent, escapeHtml });
    } catch (error) {
      if (must && error instanceof JsonError) throw new FuncError(error.message);
      return '';
    }
  };

export const SPRIG_DICTS: Readonly<Record<string, FuncDef>> = {
  dict: fn(
    [],
    (v) => {
      const out = newDict();
      for (let i = 0; i < v.length; i += 2) out.set(strval(v[i]), i + 1 < v.length ? v[i + 1] : '');
      return out;
    },
    A,
  ),
  get: fn([D, S], ([d, k]) => (dict(d).has(k) ? dict(d).get(k) : '')),
  set: fn([D, S, A], ([d, k, v]) => {
    dict(d).set(k, v);
    return d;
  }),
  unset: fn([D, S], ([d, k]) => {
    dict(d).delete(k);
    return d;
  }),
  hasKey: fn([D, S], ([d, k]) => dict(d).has(k)),
  pluck: fn([S], ([k, ...ds]) => anySlice(ds.filter((d) => dict(d).has(k)).map((d) => dict(d).get(k))), D),
  keys: fn(
    [],
    (ds) =>
      stringSlice(
        ds.flatMap((d) =>
          dict(d)
            .sorted()
            .map(({ key }) => key as string),
        ),
      ),
    D,
  ),
  values: fn([D], ([d]) =>
    anySlice(
      dict(d)
        .sorted()
        .map(({ value }) => value),
    ),
  ),
  pick: fn(
    [D],
    ([d, ...ks]) => newDict(ks.filter((k) => dict(d).has(k)).map((k) => [k, dict(d).get(k)] as const)),
    S,
  ),
  omit: fn(
    [D],
    ([d, ...ks]) =>
      newDict(
        dict(d)
          .sorted()
          .filter(({ key }) => !ks.includes(key))
          .map(({ key, value }) => [key, value] as const),
      ),
    S,
  ),
  merge: fn(
    [D],
    ([dst, ...srcs]) => {
      for (const src of srcs) merge(dict(dst), dict(src), false);
      return dst;
    },
    D,
  ),
  mustMerge: fn(
    [D],
    ([dst, ...srcs]) => {
      for (const src of srcs) merge(dict(dst), dict(src), false);
      return dst;
    },
    D,
  ),
  mergeOverwrite: fn(
    [D],
    ([dst, ...srcs]) => {
      for (const src of srcs) merge(dict(dst), dict(src), true);
      return dst;
    },
    D,
  ),
  mustMergeOverwrite: fn(
    [D],
    ([dst, ...srcs]) => {
      for (const src of srcs) merge(dict(dst), dict(src), true);
      return dst;
    },
    D,
  ),
  dig: fn([], dig, A),
  deepCopy: fn([A], ([v]) => deepCopy(v)),
  mustDeepCopy: fn([A], ([v]) => {
    if (v === undefined) throw new FuncError('copy: cannot copy nil');
    return deepCopy(v);
  }),

  default: fn([A], ([d, ...given]) => (given.length === 0 || empty(given[0]) ? d : given[0]), A),
  empty: fn([A], ([v]) => empty(v)),
  coalesce: fn([], (vs) => vs.find((v) => !empty(v)), A),
  all: fn([], (vs) => vs.every((v) => !empty(v)), A),
  any: fn([], (vs) => vs.some((v) => !empty(v)), A),
  ternary: fn([A, A, T.bool], ([t, f, cond]) => (cond ? t : f)),

  fromJson: fn([S], ([s]) => {
    try {
      return unmarshalJson(str(s));
    } catch {
      return undefined;
    }
  }),
  mustFromJson: fn([S], ([s]) => {
    try {
      return unmarshalJson(str(s));
    } catch (error) {
      throw new FuncError((error as Error).message);
    }
  }),
  toJson: fn([A], json('', true, false)),
  mustToJson: fn([A], json('', true, true)),
  toPrettyJson: fn([A], json('  ', true, false)),
  mustToPrettyJson: fn([A], json('  ', true, true)),
  toRawJson: fn([A], json('', false, false)),
  mustToRawJson: fn([A], json('', false, true)),

  typeOf: fn([A], ([v]) => typeName(v)),
  typeIs: fn([S, A], ([t, v]) => t === typeName(v)),
  typeIsLike: fn([S, A], ([t, v]) => t === typeName(v) || `*${t}` === typeName(v)),
  kindOf: fn([A], ([v]) => (v === undefined ? 'invalid' : kindName(typeOf(v) ?? A))),
  kindIs: fn([S, A], ([t, v]) => t === (v === undefined ? 'invalid' : kindName(typeOf(v) ?? A))),
  deepEqual: fn([A, A], ([a, b]) => deepEqual(a, b)),

  fail: fn([S], ([msg]) => {
    throw new FuncError(str(msg));
  }),
};
