/**
 * Go values as the template engine sees them (what `reflect.Value` holds in text/template).
 *
 * - `undefined`: the invalid value / nil interface (prints `<no value>` from an action, `<nil>` via fmt);
 * - `string`, `boolean`: Go `string`, `bool`;
 * - `bigint`: Go `int` (template integer constants, `len`, range indexes);
 * - `number`: Go `float64`;
 * - {@link GoInt}: the other integer types (`int64` from Sprig arithmetic, `uint8` from indexing a string);
 * - {@link GoSlice}, {@link GoMap}, {@link GoStruct}: composite values carrying their Go type.
 */
import { type GoType, mapOf, sliceOf, T } from './go-types.ts';
import { compareStrings } from './utf8.ts';

export type GoValue = undefined | string | boolean | bigint | number | GoInt | GoSlice | GoMap | GoStruct;

export class GoInt {
  readonly type: GoType;
  readonly value: bigint;
  constructor(type: GoType, value: bigint) {
    this.type = type;
    this.value = type.kind === 'uint8' ? BigInt.asUintN(8, value) : BigInt.asIntN(64, value);
  }
}

export class GoSlice {
  readonly type: GoType;
  readonly items: readonly GoValue[];
  /** A nil slice prints as `[]` but encodes to JSON as `null`. */
  readonly isNil: boolean;
  constructor(type: GoType, items: readonly GoValue[], isNil = false) {
    this.type = type;
    this.items = items;
    this.isNil = isNil && items.length === 0;
  }
}

export class GoStruct {
  readonly type: GoType;
  /** Field values, parallel to `type.fields`. */
  readonly values: readonly GoValue[];
  constructor(type: GoType, values: readonly GoValue[]) {
    this.type = type;
    this.values = values;
  }
}

/** A Go map. Mutable, because Sprig's `set`/`unset` mutate dictionaries in place. */
export class GoMap {
  readonly type: GoType;
  readonly isNil: boolean;
  readonly #entries = new Map<string, { key: GoValue; value: GoValue }>();
  constructor(type: GoType, entries: Iterable<readonly [GoValue, GoValue]> = [], isNil = false) {
    this.type = type;
    this.isNil = isNil;
    for (const [key, value] of entries) this.set(key, value);
  }
  get size(): number {
    return this.#entries.size;
  }
  has(key: GoValue): boolean {
    return this.#entries.has(keyString(key));
  }
  get(key: GoValue): GoValue {
    return this.#entries.get(keyString(key))?.value;
  }
  set(key: GoValue, value: GoValue): void {
    this.#entries.set(keyString(key), { key, value });
  }
  delete(key: GoValue): void {
    this.#entries.delete(keyString(key));
  }
  /** Entries in Go's sorted map order (`internal/fmtsort`), as `range` and fmt visit them. */
  sorted(): { key: GoValue; value: GoValue }[] {
    return [...this.#entries.values()].sort((a, b) => compareValues(a.key, b.key));
  }
}

/** The dynamic Go type of a value; `undefined` for nil. */
export const typeOf = (value: GoValue): GoType | undefined => {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return T.string;
    case 'boolean':
      return T.bool;
    case 'bigint':
      return T.int;
    case 'number':
      return T.float64;
    default:
      return value.type;
  }
};

export const typeName = (value: GoValue): string => typeOf(value)?.name ?? '<nil>';

/** The zero value of a type (`reflect.Zero`). */
export const zeroValue = (type: GoType): GoValue => {
  switch (type.kind) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'int':
      return 0n;
    case 'float64':
      return 0;
    case 'int32':
    case 'int64':
    case 'uint8':
      return new GoInt(type, 0n);
    case 'slice':
      return new GoSlice(type, [], true);
    case 'map':
      return new GoMap(type, [], true);
    case 'struct':
      return new GoStruct(
        type,
        (type.fields ?? []).map((field) => zeroValue(field.type)),
      );
    default:
      return undefined;
  }
};

/** Integer value of any integer kind, or undefined. */
export const intValue = (value: GoValue): bigint | undefined =>
  typeof value === 'bigint' ? value : value instanceof GoInt ? value.value : undefined;

/** text/template `isTrue`: the truth of a value; `undefined` when it has no truth (never here). */
export const isTrue = (value: GoValue): boolean => {
  if (value === undefined) return false;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'number') return value !== 0;
  if (value instanceof GoInt) return value.value !== 0n;
  if (value instanceof GoSlice) return value.items.length > 0;
  if (value instanceof GoMap) return value.size > 0;
  return true; // structs are always true
};

/** A canonical string for a map key, so equal Go values share a JS Map slot. */
export const keyString = (value: GoValue): string => {
  if (value === undefined) return 'nil';
  if (typeof value === 'string') return `s${value}`;
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (typeof value === 'bigint') return `i${value}`;
  if (typeof value === 'number') return `f${Object.is(value, -0) ? 0 : value}`;
  if (value instanceof GoInt) return `${value.type.name}:${value.value}`;
  if (value instanceof GoStruct) return `${value.type.name}${JSON.stringify(value.values.map(keyString))}`;
  return `${value.type.name}@unhashable`;
};

const kindRank = (value: GoValue): number => {
  if (value === undefined) return 0;
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'bigint' || value instanceof GoInt) return 2;
  if (typeof value === 'number') return 3;
  if (typeof value === 'string') return 4;
  return 5;
};

/** Go `internal/fmtsort.compare`: ints numerically, strings byte-wise, bools false first, structs field by field. */
export const compareValues = (a: GoValue, b: GoValue): number => {
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta && tb && ta.name !== tb.name && ta.kind !== tb.kind) {
    // Interface-typed keys of different types: fmtsort orders by type first.
    return ta.name < tb.name ? -1 : 1;
  }
  const rank = kindRank(a) - kindRank(b);
  if (rank !== 0) return rank;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') {
    if (a < b || (Number.isNaN(a) && !Number.isNaN(b))) return -1;
    if (a > b || (!Number.isNaN(a) && Number.isNaN(b))) return 1;
    return 0;
  }
  const ia = intValue(a);
  const ib = intValue(b);
  if (ia !== undefined && ib !== undefined) return ia < ib ? -1 : ia > ib ? 1 : 0;
  if (a instanceof GoStruct && b instanceof GoStruct) {
    for (let i = 0; i < a.values.length; i++) {
      const c = compareValues(a.values[i], b.values[i]);
      if (c !== 0) return c;
    }
  }
  return 0;
};

/** `reflect.DeepEqual` over the modelled values. */
export const deepEqual = (a: GoValue, b: GoValue): boolean => {
  if (typeOf(a)?.name !== typeOf(b)?.name) return false;
  if (a instanceof GoInt && b instanceof GoInt) return a.value === b.value;
  if (a instanceof GoSlice && b instanceof GoSlice)
    return (
      a.isNil === b.isNil &&
      a.items.length === b.items.length &&
      a.items.every((item, i) => deepEqual(item, b.items[i]))
    );
  if (a instanceof GoStruct && b instanceof GoStruct)
    return a.values.every((item, i) => deepEqual(item, b.values[i]));
  if (a instanceof GoMap && b instanceof GoMap) {
    if (a.isNil !== b.isNil || a.size !== b.size) return false;
    return a.sorted().every(({ key, value }) => b.has(key) && deepEqual(value, b.get(key)));
  }
  return a === b;
};

export const stringSlice = (items: readonly string[]): GoSlice => new GoSlice(sliceOf(T.string), items);
export const anySlice = (items: readonly GoValue[], isNil = false): GoSlice =>
  new GoSlice(sliceOf(T.any), items, isNil);
export const int64 = (value: bigint): GoInt => new GoInt(T.int64, value);
export const newDict = (entries: Iterable<readonly [GoValue, GoValue]> = []): GoMap =>
  new GoMap(mapOf(T.string, T.any), entries);
