/**
 * text/template's predefined functions (Go `text/template/funcs.go`). `and`, `or` and `call` are
 * special-cased by the evaluator; `slice` is listed although Sprig's `slice` replaces it in Flux.
 */

import { sprint, sprintln } from './fmt-printer.ts';
import { sprintf } from './fmt-printf.ts';
import { type FuncDef, FuncError, fn } from './func-def.ts';
import { type GoType, T } from './go-types.ts';
import {
  deepEqual,
  GoInt,
  GoMap,
  GoSlice,
  type GoValue,
  intValue,
  isTrue,
  typeName,
  typeOf,
  zeroValue,
} from './go-values.ts';
import { byteLength, byteSlice, compareStrings, isPrint, utf8Encode } from './utf8.ts';

type BasicKind = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'invalid';

const basicKind = (v: GoValue): BasicKind => {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (v instanceof GoInt) return v.type.kind === 'uint8' ? 'uint' : 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  return 'invalid';
};

const isNilValue = (v: GoValue): boolean =>
  v === undefined || ((v instanceof GoSlice || v instanceof GoMap) && v.isNil);

const comparable = (type: GoType): boolean =>
  type.kind !== 'slice' && type.kind !== 'map' && (type.fields ?? []).every((f) => comparable(f.type));

/** The `eq` branch for non-basic kinds: nil checks, then Go's `==` on comparable values. */
const eqComposite = (arg1: GoValue, arg: GoValue): boolean => {
  const t1 = typeOf(arg1);
  const t2 = typeOf(arg);
  if (t1 && t2 && t1.kind !== t2.kind)
    throw new FuncError(`non-comparable types ${sprint([arg1])}: ${t1.name}, ${t2.name}: ${sprint([arg])}`);
  if (isNilValue(arg1) || isNilValue(arg)) return isNilValue(arg1) === isNilValue(arg);
  if (t2 && !comparable(t2)) throw new FuncError(`non-comparable type ${sprint([arg])}: ${t2.name}`);
  if (t1 && !comparable(t1)) throw new FuncError(`comparing uncomparable type ${t1.name}`);
  return deepEqual(arg1, arg);
};

/** Go `eq`: arg1 == arg2 || arg1 == arg3 …, comparing integers across signedness. */
export const eq = (arg1: GoValue, others: readonly GoValue[]): boolean => {
  if (others.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of others) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if ((k1 === 'int' || k1 === 'uint') && (k2 === 'int' || k2 === 'uint'))
        truth = intValue(arg1) === intValue(arg);
      else if (arg1 !== undefined && arg !== undefined)
        throw new FuncError(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg)}`);
    } else if (k1 !== 'invalid') {
      truth = k1 === 'int' || k1 === 'uint' ? intValue(arg1) === intValue(arg) : arg1 === arg;
    } else {
      truth = eqComposite(arg1, arg);
    }
    if (truth) return true;
  }
  return false;
};

/** Go `lt`. */
export const lt = (a: GoValue, b: GoValue): boolean => {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid') throw new FuncError('invalid type for comparison');
  if (k1 !== k2) {
    if ((k1 === 'int' || k1 === 'uint') && (k2 === 'int' || k2 === 'uint'))
      return (intValue(a) as bigint) < (intValue(b) as bigint);
    throw new FuncError(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
  }
  if (k1 === 'bool') throw new FuncError('invalid type for comparison');
  if (k1 === 'int' || k1 === 'uint') return (intValue(a) as bigint) < (intValue(b) as bigint);
  if (k1 === 'string') return compareStrings(a as string, b as string) < 0;
  return (a as number) < (b as number);
};

const indexArg = (index: GoValue, cap: number): number => {
  const x = intValue(index);
  if (x === undefined)
    throw new FuncError(
      index === undefined
        ? 'cannot index slice/array with nil'
        : `cannot index slice/array with type ${typeName(index)}`,
    );
  if (x < 0n || x > BigInt(cap)) throw new FuncError(`index out of range: ${x}`);
  return Number(x);
};

/** Go `index`: item[i][j]…; a missing map key yields the element type's zero value. */
const index = (item: GoValue, indexes: readonly GoValue[]): GoValue => {
  if (item === undefined) throw new FuncError('index of untyped nil');
  let current: GoValue = item;
  for (const key of indexes) {
    if (current instanceof GoSlice) {
      const i = indexArg(key, current.items.length);
      if (i >= current.items.length) throw new FuncError('reflect: slice index out of range');
      current = current.items[i];
    } else if (typeof current === 'string') {
      const i = indexArg(key, byteLength(current));
      const bytes = utf8Encode(current);
      if (i >= bytes.length) throw new FuncError('reflect: string index out of range');
      current = new GoInt(T.uint8, BigInt(bytes[i] ?? 0));
    } else if (current instanceof GoMap) {
      const keyType = current.type.key ?? T.any;
      if (key === undefined && keyType.kind !== 'interface')
        throw new FuncError(`value is nil; should be of type ${keyType.name}`);
      const actual = typeOf(key);
      if (actual && keyType.kind !== 'interface' && actual.name !== keyType.name) {
        const ik = intValue(key);
        if (ik === undefined || !['int', 'int32', 'int64', 'uint8'].includes(keyType.kind))
          throw new FuncError(`value has type ${actual.name}; should be ${keyType.name}`);
      }
      current = current.has(key) ? current.get(key) : zeroValue(current.type.elem ?? T.any);
    } else if (current === undefined) {
      throw new FuncError('index of untyped nil');
    } else {
      throw new FuncError(`can't index item of type ${typeName(current)}`);
    }
  }
  return current;
};

/** Go `slice` (replaced by Sprig's in Flux; kept for completeness). */
const slice = (item: GoValue, indexes: readonly GoValue[]): GoValue => {
  if (item === undefined) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
    len = byteLength(item);
  } else if (item instanceof GoSlice) len = item.items.length;
  else throw new FuncError(`can't slice item of type ${typeName(item)}`);
  const idx = [0, len, len];
  for (const [i, x] of indexes.entries()) idx[i] = indexArg(x, len);
  const [lo = 0, hi = len] = idx;
  if (lo > hi) throw new FuncError(`invalid slice index: ${lo} > ${hi}`);
  if (indexes.length === 3 && hi > (idx[2] ?? len))
    throw new FuncError(`invalid slice index: ${hi} > ${idx[2]}`);
  return typeof item === 'string'
    ? byteSlice(item, lo, hi)
    : new GoSlice(item.type, item.items.slice(lo, hi));
};

const length = (item: GoValue): bigint => {
  if (typeof item === 'string') return BigInt(byteLength(item));
  if (item instanceof GoSlice) return BigInt(item.items.length);
  if (item instanceof GoMap) return BigInt(item.size);
  if (item === undefined) throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
  throw new FuncError(`len of type ${typeName(item)}`);
};

/** The textual form of arguments for html/js/urlquery (Go `evalArgs`). */
const evalArgs = (args: readonly GoValue[]): string => {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === undefined ? '<no value>' : a)));
};

const htmlEscape = (s: string): string =>
  s.replace(/[\0"'&<>]/g, (c) =>
    c === '\0'
      ? '\uFFFD'
      : c === '"'
        ? '&#34;'
        : c === "'"
          ? '&#39;'
          : c === '&'
            ? '&amp;'
            : c === '<'
              ? '&lt;'
              : '&gt;',
  );

const jsEscape = (s: string): string => {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if (ch === '<') out += '\\u003C';
    else if (ch === '>') out += '\\u003E';
    else if (ch === '&') out += '\\u0026';
    else if (ch === '=') out += '\\u003D';
    else if (cp < 0x20) out += `\\u00${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (cp < 0x80 || isPrint(cp)) out += ch;
    else out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
};

/** Go `url.QueryEscape`. */
export const queryEscape = (s: string): string => {
  let out = '';
  for (const byte of utf8Encode(s)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};

/** `and`, `or` and `call` are evaluated by `evalCall` itself, as in Go; these bodies never run. */
const specialCased = (): GoValue => {
  throw new Error('unreachable: special-cased by the evaluator');
};

export const BUILTINS: Readonly<Record<string, FuncDef>> = {
  and: fn(['value'], specialCased, 'value'),
  or: fn(['value'], specialCased, 'value'),
  call: fn(['value'], specialCased, 'value'),
  not: fn(['value'], ([a]) => !isTrue(a)),
  len: fn(['value'], ([a]) => length(a)),
  index: fn(['value'], ([a, ...rest]) => index(a, rest), 'value'),
  slice: fn(['value'], ([a, ...rest]) => slice(a, rest), 'value'),
  eq: fn(['value'], ([a, ...rest]) => eq(a, rest), 'value'),
  ne: fn(['value', 'value'], ([a, b]) => !eq(a, [b])),
  lt: fn(['value', 'value'], ([a, b]) => lt(a, b)),
  le: fn(['value', 'value'], ([a, b]) => lt(a, b) || eq(a, [b])),
  gt: fn(['value', 'value'], ([a, b]) => !(lt(a, b) || eq(a, [b]))),
  ge: fn(['value', 'value'], ([a, b]) => !lt(a, b)),
  print: fn([], (args) => sprint(args), T.any),
  printf: fn([T.string], ([format, ...args]) => sprintf(format as string, args), T.any),
  println: fn([], (args) => sprintln(args), T.any),
  html: fn([], (args) => htmlEscape(evalArgs(args)), T.any),
  js: fn([], (args) => jsEscape(evalArgs(args)), T.any),
  urlquery: fn([], (args) => queryEscape(evalArgs(args)), T.any),
};
