/**
 * How a template function is declared: its Go parameter types (so arguments are checked and constants
 * converted exactly as text/template's `evalArg` does) and its body.
 */
import type { GoType } from './go-types.ts';
import type { GoValue } from './go-values.ts';

/** A Go parameter type, or `'value'` for a `reflect.Value` parameter (receives anything, even nil). */
export type ParamType = GoType | 'value';

export interface FuncDef {
  readonly params: readonly ParamType[];
  /** Element type of a trailing `...T` parameter. */
  readonly variadic?: ParamType;
  /** Throw {@link FuncError} to return a Go error; other throws are reported the same way (a recovered panic). */
  readonly call: (args: GoValue[]) => GoValue;
}

/** A function's error result (`error calling NAME: message`). */
export class FuncError extends Error {}

export const fn = (
  params: readonly ParamType[],
  call: (args: GoValue[]) => GoValue,
  variadic?: ParamType,
): FuncDef => (variadic === undefined ? { params, call } : { params, call, variadic });
