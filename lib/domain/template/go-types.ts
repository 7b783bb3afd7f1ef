/**
 * A small model of the Go types a commit-message template can meet, so the engine can reproduce what
 * `reflect` decides in text/template: which argument types are assignable, which field exists, how a
 * value prints (`%v`, `%T`) and how map keys sort.
 *
 * Types are identified by their Go spelling (`[]interface {}`, `map[string]string`, `update.Change`);
 * two types are identical when their names are.
 */
import type { GoStruct, GoValue } from './go-values.ts';

export type GoKind =
  | 'bool'
  | 'int'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'float64'
  | 'string'
  | 'interface'
  | 'slice'
  | 'map'
  | 'struct';

export interface GoField {
  readonly name: string;
  readonly type: GoType;
  /** An anonymous (embedded) field: its fields are promoted, `%+v` labels it with the type name. */
  readonly embedded?: boolean;
  /** `json:"name,omitempty"` as encoding/json reads it. */
  readonly jsonName?: string;
  readonly omitEmpty?: boolean;
}

/** A method without arguments on a value receiver (the only kind the Flux data model has). */
export type GoMethod = (receiver: GoValue) => GoValue;

export interface GoType {
  readonly name: string;
  readonly kind: GoKind;
  readonly elem?: GoType;
  readonly key?: GoType;
  readonly fields?: readonly GoField[];
  readonly methods?: Readonly<Record<string, GoMethod>>;
  /** A `String() string` method: fmt prints it for %v %s %q %x %X (fmt `handleMethods`). */
  readonly stringer?: (receiver: GoStruct) => string;
}

const basic = (name: string, kind: GoKind): GoType => ({ name, kind });

export const T = {
  bool: basic('bool', 'bool'),
  int: basic('int', 'int'),
  int32: basic('int32', 'int32'),
  int64: basic('int64', 'int64'),
  uint8: basic('uint8', 'uint8'),
  float64: basic('float64', 'float64'),
  string: basic('string', 'string'),
  any: basic('interface {}', 'interface'),
} as const;

const composite = new Map<string, GoType>();

export const sliceOf = (elem: GoType): GoType => {
  const name = `[]${elem.name}`;
  let type = composite.get(name);
  if (!type) {
    type = { name, kind: 'slice', elem };
    composite.set(name, type);
  }
  return type;
};

export const mapOf = (key: GoType, elem: GoType): GoType => {
  const name = `map[${key.name}]${elem.name}`;
  let type = composite.get(name);
  if (!type) {
    type = { name, kind: 'map', key, elem };
    composite.set(name, type);
  }
  return type;
};

export const isIntKind = (kind: GoKind): boolean =>
  kind === 'int' || kind === 'int32' || kind === 'int64' || kind === 'uint8';

/** Go's `canBeNil`: an invalid value may stand for the zero value of these types. */
export const canBeNil = (type: GoType): boolean =>
  type.kind === 'interface' || type.kind === 'map' || type.kind === 'slice';

/** `reflect.Type.AssignableTo` for the types modelled here. */
export const assignableTo = (from: GoType, to: GoType): boolean =>
  to.kind === 'interface' || from.name === to.name;

/** Finds a field by name, looking through embedded structs breadth first (reflect `FieldByName`). */
export const findFieldPath = (type: GoType, name: string): readonly number[] | undefined => {
  let level: { type: GoType; path: number[] }[] = [{ type, path: [] }];
  while (level.length > 0) {
    const next: { type: GoType; path: number[] }[] = [];
    for (const candidate of level) {
      const fields = candidate.type.fields ?? [];
      for (const [index, field] of fields.entries()) {
        if (field.name === name) return [...candidate.path, index];
        if (field.embedded && field.type.kind === 'struct')
          next.push({ type: field.type, path: [...candidate.path, index] });
      }
    }
    level = next;
  }
  return undefined;
};

/** `reflect.Kind.String()`, as Sprig's `kindOf` reports it. */
export const kindName = (type: GoType): string => (type.kind === 'interface' ? 'interface' : type.kind);
