/**
 * Typed field readers over the plain JS value of a YAML document. Each reader reports a precise,
 * fixable message (what was expected, what was found, how to fix it) and returns `undefined` on
 * error, so decoders can keep going and report every bad field of an object.
 *
 * Kubernetes decodes manifests strictly: a number where a string is expected (`tag: 1.10`) is refused
 * by the API server, so it is refused here too, with the hint to quote it.
 */

import type { DecodeContext } from './decode-context.ts';
import { fieldPath } from './decode-context.ts';
import { parseDuration } from './duration.ts';
import type { Duration, LocalObjectReference } from './types.ts';
import { checkFields } from './unknown-fields.ts';

export type JsonObject = Readonly<Record<string, unknown>>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `a mapping`, `a list`, `null`, `the number 5`, `the string "x"`, … */
export const describeValue = (value: unknown): string => {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
};

// Not echoing the value back as a string: YAML may already have changed it (`1.10` reads as 1.1).
const quoteHint = (value: unknown): string =>
  typeof value === 'number' || typeof value === 'boolean' ? ' (put it in quotes)' : '';

export interface StringOptions {
  readonly required?: boolean;
}

/** A string field; '' counts as absent (Kubernetes `omitempty`). */
export const readString = (
  ctx: DecodeContext,
  parent: JsonObject,
  key: string,
  path: string,
  options: StringOptions = {},
): string | undefined => {
  const value = parent[key];
  const field = fieldPath(path, key);
  if (value === undefined || value === null || value === '') {
    if (options.required) ctx.error(field, 'required');
    return undefined;
  }
  if (typeof value !== 'string') {
    ctx.error(field, `must be a string, got ${describeValue(value)}${quoteHint(value)}`);
    return undefined;
  }
  return value;
};

export const readBoolean = (ctx: DecodeContext, parent: JsonObject, key: string, path: string): boolean => {
  const value = parent[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') {
    ctx.error(fieldPath(path, key), `must be true or false, got ${describeValue(value)}`);
    return false;
  }
  return value;
};

export const readObject = (
  ctx: DecodeContext,
  parent: JsonObject,
  key: string,
  path: string,
  options: StringOptions = {},
): JsonObject | undefined => {
  const value = parent[key];
  const field = fieldPath(path, key);
  if (value === undefined || value === null) {
    if (options.required) ctx.error(field, 'required');
    return undefined;
  }
  if (!isObject(value)) {
    ctx.error(field, `must be a mapping, got ${describeValue(value)}`);
    return undefined;
  }
  return value;
};

export const readList = (
  ctx: DecodeContext,
  parent: JsonObject,
  key: string,
  path: string,
): readonly unknown[] | undefined => {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    ctx.error(fieldPath(path, key), `must be a list, got ${describeValue(value)}`);
    return undefined;
  }
  return value;
};

export const readStringList = (
  ctx: DecodeContext,
  parent: JsonObject,
  key: string,
  path: string,
): string[] | undefined => {
  const list = readList(ctx, parent, key, path);
  if (!list) return undefined;
  const field = fieldPath(path, key);
  const result: string[] = [];
  list.forEach((item, index) => {
    if (typeof item === 'string') result.push(item);
    else ctx.error(fieldPath(field, index), `must be a string, got ${describeValue(item)}${quoteHint(item)}`);
  });
  return result;
};

/** A `map[string]string` (labels, annotations, push options, template values). */
export const readStringMap = (
  ctx: DecodeContext,
  parent: JsonObject,
  key: string,
  path: string,
): Record<string, string> => {
  const value = readObject(ctx, parent, key, path);
  const result: Record<string, string> = {};
  if (!value) return result;
  const field = fieldPath(path, key);
  for (const [entry, item] of Object.entries(value)) {
    if (typeof item === 'string') result[entry] = item;
    else ctx.error(fieldPath(field, entry), `must be a string, got ${describeValue(item)}${quoteHint(item)}`);
  }
  return result;
};

/** One of a fixed set of strings (case-sensitive, as the CRD enums are), or the default when absent. */
export const readEnum = <T extends string>(
  ctx: DecodeContext,
  parent: JsonObject,
  key: string,
  path: string,
  allowed: readonly T[],
  fallback: T,
): T | undefined => {
  const value = readString(ctx, parent, key, path);
  if (value === undefined)
    return parent[key] === undefined || parent[key] === null || parent[key] === '' ? fallback : undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const sameLetters = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  const hint = sameLetters ? `; did you mean ${JSON.stringify(sameLetters)}?` : '';
  ctx.error(
    fieldPath(path, key),
    `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}${hint}`,
  );
  return undefined;
};

export const readDuration = (
  ctx: DecodeContext,
  parent: JsonObject,
  key: string,
  path: string,
  options: { required?: boolean; allowHours?: boolean } = {},
): Duration | undefined => {
  const text = readString(ctx, parent, key, path, { required: options.required });
  if (text === undefined) return undefined;
  const result = parseDuration(text, { allowHours: options.allowHours });
  if (!result.ok) {
    ctx.error(fieldPath(path, key), result.message);
    return undefined;
  }
  return result.value;
};

/** `{ name }`, a reference to an object of the same namespace. */
export const readLocalRef = (
  ctx: DecodeContext,
  parent: JsonObject,
  key: string,
  path: string,
  options: StringOptions = {},
): LocalObjectReference | undefined => {
  const ref = readObject(ctx, parent, key, path, options);
  if (!ref) return undefined;
  const field = fieldPath(path, key);
  checkFields(ctx, ref, field, ['name']);
  const name = readString(ctx, ref, 'name', field, { required: true });
  return name === undefined ? undefined : { name };
};
