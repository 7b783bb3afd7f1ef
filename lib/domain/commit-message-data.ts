/**
 * The value Flux hands a commit-message template, modelled as the Go types it is made of
 * (image-automation-controller v1.0, Flux 2.7: `internal/source/source.go` `TemplateData`,
 * `internal/update/result.go` `Result`, kyaml `ResourceIdentifier`, apimachinery `NamespacedName`).
 *
 * Type names, field order, embedding and methods matter: they decide what `%v` prints, how map keys
 * sort, which fields exist and what Go's error messages say.
 */
import type { Change, ObjectIdentifier } from './changes.ts';
import { type GoType, mapOf, sliceOf, T } from './template/go-types.ts';
import { GoMap, GoSlice, GoStruct, type GoValue, keyString } from './template/go-values.ts';

const str = (v: GoValue): string => (typeof v === 'string' ? v : '');

/** `types.NamespacedName`, whose `String()` is `namespace/name`. */
export const NAMESPACED_NAME: GoType = {
  name: 'types.NamespacedName',
  kind: 'struct',
  fields: [
    { name: 'Namespace', type: T.string },
    { name: 'Name', type: T.string },
  ],
  stringer: (v) => `${str(v.values[0])}/${str(v.values[1])}`,
};

const TYPE_META: GoType = {
  name: 'yaml.TypeMeta',
  kind: 'struct',
  fields: [
    { name: 'APIVersion', type: T.string, jsonName: 'apiVersion', omitEmpty: true },
    { name: 'Kind', type: T.string, jsonName: 'kind', omitEmpty: true },
  ],
};

const NAME_META: GoType = {
  name: 'yaml.NameMeta',
  kind: 'struct',
  fields: [
    { name: 'Name', type: T.string, jsonName: 'name', omitEmpty: true },
    { name: 'Namespace', type: T.string, jsonName: 'namespace', omitEmpty: true },
  ],
};

const RESOURCE_IDENTIFIER: GoType = {
  name: 'yaml.ResourceIdentifier',
  kind: 'struct',
  fields: [
    { name: 'TypeMeta', type: TYPE_META, embedded: true },
    { name: 'NameMeta', type: NAME_META, embedded: true },
  ],
};

/** `update.ObjectIdentifier`: sorts (and prints) as APIVersion, Kind, Name, Namespace. */
export const OBJECT_IDENTIFIER: GoType = {
  name: 'update.ObjectIdentifier',
  kind: 'struct',
  fields: [{ name: 'ResourceIdentifier', type: RESOURCE_IDENTIFIER, embedded: true }],
};

export const CHANGE: GoType = {
  name: 'update.Change',
  kind: 'struct',
  fields: [
    { name: 'OldValue', type: T.string },
    { name: 'NewValue', type: T.string },
    { name: 'Setter', type: T.string },
  ],
};

const CHANGES = sliceOf(CHANGE);

export const OBJECT_CHANGES: GoType = {
  name: 'update.ObjectChanges',
  kind: 'map',
  key: OBJECT_IDENTIFIER,
  elem: CHANGES,
};

const FILE_CHANGES = mapOf(T.string, OBJECT_CHANGES);

const fileChangesOf = (result: GoValue): GoMap =>
  result instanceof GoStruct && result.values[0] instanceof GoMap
    ? result.values[0]
    : new GoMap(FILE_CHANGES);

/**
 * `Result.Objects()`: changes per object across files. Flux 2.7 overwrites in random map order when
 * two files hold the same identifier (e.g. two Helm values files); here files are merged in sorted
 * order and their changes appended, the deterministic behaviour later IAC releases adopted.
 */
const objects = (result: GoValue): GoValue => {
  const merged = new GoMap(OBJECT_CHANGES);
  for (const { value: perFile } of fileChangesOf(result).sorted()) {
    for (const { key, value } of (perFile as GoMap).sorted()) {
      const previous = merged.get(key);
      const items = [...(previous instanceof GoSlice ? previous.items : []), ...(value as GoSlice).items];
      merged.set(key, new GoSlice(CHANGES, items));
    }
  }
  return merged;
};

/** `Result.Changes()`: every change once, in sorted file/object order (Go's is random). */
const changes = (result: GoValue): GoValue => {
  const seen = new Set<string>();
  const out: GoValue[] = [];
  for (const { value: perFile } of fileChangesOf(result).sorted())
    for (const { value } of (perFile as GoMap).sorted())
      for (const change of (value as GoSlice).items) {
        const key = keyString(change);
        if (!seen.has(key)) {
          seen.add(key);
          out.push(change);
        }
      }
  return new GoSlice(CHANGES, out, out.length === 0);
};

export const RESULT: GoType = {
  name: 'update.Result',
  kind: 'struct',
  fields: [{ name: 'FileChanges', type: FILE_CHANGES }],
  methods: { Changes: changes, Objects: objects },
};

export const TEMPLATE_DATA: GoType = {
  name: 'source.TemplateData',
  kind: 'struct',
  fields: [
    { name: 'AutomationObject', type: NAMESPACED_NAME },
    { name: 'Changed', type: RESULT },
    { name: 'Values', type: mapOf(T.string, T.string) },
  ],
};

/** Result types of the data model's methods, for static checks of field chains. */
export const METHOD_RESULT_TYPES: Readonly<Record<string, GoType>> = {
  'update.Result.Changes': CHANGES,
  'update.Result.Objects': OBJECT_CHANGES,
};

const objectIdentifier = (o: ObjectIdentifier): GoStruct =>
  new GoStruct(OBJECT_IDENTIFIER, [
    new GoStruct(RESOURCE_IDENTIFIER, [
      new GoStruct(TYPE_META, [o.apiVersion, o.kind]),
      new GoStruct(NAME_META, [o.name, o.namespace]),
    ]),
  ]);

/** Builds `TemplateData` from the run's changes, grouped file → object → changes in document order. */
export const buildTemplateData = (input: {
  readonly automation: { readonly namespace: string; readonly name: string };
  readonly changes: readonly Change[];
  readonly values?: Readonly<Record<string, string>>;
}): GoStruct => {
  const files = new GoMap(FILE_CHANGES, [], input.changes.length === 0);
  for (const change of input.changes) {
    let perFile = files.get(change.file);
    if (!(perFile instanceof GoMap)) {
      perFile = new GoMap(OBJECT_CHANGES);
      files.set(change.file, perFile);
    }
    const id = objectIdentifier(change.object);
    const list = perFile.get(id);
    const item = new GoStruct(CHANGE, [change.oldValue, change.newValue, change.setter]);
    perFile.set(id, new GoSlice(CHANGES, [...(list instanceof GoSlice ? list.items : []), item]));
  }
  const values =
    input.values === undefined
      ? new GoMap(mapOf(T.string, T.string), [], true)
      : new GoMap(mapOf(T.string, T.string), Object.entries(input.values));
  return new GoStruct(TEMPLATE_DATA, [
    new GoStruct(NAMESPACED_NAME, [input.automation.namespace, input.automation.name]),
    new GoStruct(RESULT, [files]),
    values,
  ]);
};
