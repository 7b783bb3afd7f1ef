/**
 * Go `encoding/json` marshalling (`json.Marshal`, `MarshalIndent`, an Encoder without HTML escaping)
 * for Sprig's `toJson`, `toPrettyJson` and `toRawJson`: sorted map keys, struct field tags and
 * embedding, `omitempty`, `null` for nil slices and maps, HTML-safe string escaping.
 */
import { formatJsonFloat } from './float-format.ts';
import {
  anySlice,
  GoInt,
  GoMap,
  GoSlice,
  GoStruct,
  type GoValue,
  intValue,
  isTrue,
  newDict,
} from './go-values.ts';
import { compareStrings } from './utf8.ts';

export class JsonError extends Error {}

const HEX = '0123456789abcdef';

const encodeString = (s: string, escapeHtml: boolean): string => {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || (escapeHtml && (ch === '<' || ch === '>' || ch === '&')))
      out += `\\u00${HEX[cp >> 4]}${HEX[cp & 0xf]}`;
    else if (cp === 0x2028 || cp === 0x2029) out += `\\u${cp.toString(16)}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
};

const isEmptyValue = (v: GoValue): boolean =>
  v instanceof GoStruct ? false : v instanceof GoSlice ? v.items.length === 0 : !isTrue(v);

/** Struct fields as encoding/json sees them: embedded structs without a tag are flattened. */
const structFields = (value: GoStruct): { name: string; value: GoValue; omitEmpty: boolean }[] => {
  const out: { name: string; value: GoValue; omitEmpty: boolean }[] = [];
  for (const [i, field] of (value.type.fields ?? []).entries()) {
    const v = value.values[i];
    if (field.embedded && field.jsonName === undefined && v instanceof GoStruct) {
      for (const inner of structFields(v)) if (!out.some((f) => f.name === inner.name)) out.push(inner);
    } else out.push({ name: field.jsonName ?? field.name, value: v, omitEmpty: field.omitEmpty ?? false });
  }
  return out;
};

const encode = (v: GoValue, escapeHtml: boolean, indent: string, level: number): string => {
  const nl = indent ? `\n${indent.repeat(level + 1)}` : '';
  const close = indent ? `\n${indent.repeat(level)}` : '';
  const colon = indent ? ': ' : ':';
  if (v === undefined) return 'null';
  if (typeof v === 'string') return encodeString(v, escapeHtml);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint' || v instanceof GoInt) return String(intValue(v));
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new JsonError(`json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
    return formatJsonFloat(v);
  }
  if (v instanceof GoSlice) {
    if (v.isNil) return 'null';
    if (v.items.length === 0) return '[]';
    return `[${v.items.map((item) => nl + encode(item, escapeHtml, indent, level + 1)).join(',')}${close}]`;
  }
  if (v instanceof GoMap) {
    if (v.isNil) return 'null';
    const keyKind = v.type.key?.kind;
    const entries = v.sorted().map(({ key, value }) => {
      let name: string;
      if (typeof key === 'string') name = key;
      else if (keyKind !== undefined && ['int', 'int32', 'int64', 'uint8'].includes(keyKind))
        name = String(intValue(key));
      else throw new JsonError(`json: unsupported type: ${v.type.name}`);
      return { name, value };
    });
    if (entries.length === 0) return '{}';
    entries.sort((a, b) => compareStrings(a.name, b.name));
    return `{${entries
      .map(
        ({ name, value }) =>
          nl + encodeString(name, escapeHtml) + colon + encode(value, escapeHtml, indent, level + 1),
      )
      .join(',')}${close}}`;
  }
  const fields = structFields(v).filter((f) => !(f.omitEmpty && isEmptyValue(f.value)));
  if (fields.length === 0) return '{}';
  return `{${fields
    .map(
      ({ name, value }) =>
        nl + encodeString(name, escapeHtml) + colon + encode(value, escapeHtml, indent, level + 1),
    )
    .join(',')}${close}}`;
};

/** `json.Marshal` (or `MarshalIndent(v, "", indent)`); throws {@link JsonError} like Go returns errors. */
export const marshalJson = (v: GoValue, options: { indent?: string; escapeHtml?: boolean } = {}): string =>
  encode(v, options.escapeHtml ?? true, options.indent ?? '', 0);

const fromParsed = (v: unknown): GoValue => {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (Array.isArray(v)) return anySlice(v.map(fromParsed));
  return newDict(
    Object.entries(v as Record<string, unknown>).map(([k, item]) => [k, fromParsed(item)] as const),
  );
};

/** `json.Unmarshal` into `interface{}`: objects → `map[string]interface {}`, numbers → float64. */
export const unmarshalJson = (text: string): GoValue => {
  try {
    return fromParsed(JSON.parse(text));
  } catch (error) {
    throw new JsonError(`invalid JSON: ${(error as Error).message}`);
  }
};
