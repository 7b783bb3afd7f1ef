/** Test helpers: plain JS data as Go values, and a one-call render through the public engine API. */
import { InvalidConfigError } from '../../../lib/domain/errors.ts';
import { mapOf, sliceOf, T } from '../../../lib/domain/template/go-types.ts';
import { GoMap, GoSlice, type GoValue } from '../../../lib/domain/template/go-values.ts';
import { executeGoTemplate, parseGoTemplate } from '../../../lib/domain/template/template.ts';

/**
 * JS → Go: integers become `int`, other numbers `float64`, arrays `[]interface {}` (or `[]string` /
 * `[]int` when homogeneous), objects `map[string]interface {}`; Go values pass through.
 */
export const go = (v: unknown): GoValue => {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) {
    const items = v.map(go);
    const elem = items.every((i) => typeof i === 'string')
      ? T.string
      : items.every((i) => typeof i === 'bigint')
        ? T.int
        : T.any;
    return new GoSlice(sliceOf(items.length === 0 ? T.any : elem), items);
  }
  if (typeof v === 'object' && v.constructor === Object)
    return new GoMap(
      mapOf(T.string, T.any),
      Object.entries(v).map(([k, x]) => [k, go(x)] as const),
    );
  return v as GoValue;
};

export const render = (text: string, data?: unknown): string =>
  executeGoTemplate(parseGoTemplate('t', text), go(data));

/** The error message a template fails with (parse or execution), or a marker when it succeeds. */
export const failure = (text: string, data?: unknown): string => {
  try {
    return `no error: ${render(text, data)}`;
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.message;
    throw error;
  }
};
