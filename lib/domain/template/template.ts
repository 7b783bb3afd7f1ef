/**
 * A Go text/template engine with Sprig's hermetic functions, for rendering Flux commit-message
 * templates exactly as image-automation-controller does.
 *
 * @example
 * const tmpl = parseGoTemplate('commit message', 'Update {{ .Name | upper }}');
 * executeGoTemplate(tmpl, data); // → 'Update WEB'
 *
 * Failures throw {@link InvalidConfigError} whose message is Go's (`template: NAME:LINE: …` for parse
 * errors, `template: NAME:LINE:COL: executing "NAME" at <…>: …` for execution errors) and whose data
 * carries `reason`, `line` and (for execution) `column`.
 */
import { InvalidConfigError } from '../errors.ts';
import { DEFAULT_LIMITS, type ExecLimits, type FuncEntry, TemplateExecError } from './exec-state.ts';
import { execute } from './executor.ts';
import { FLUX_FUNCTIONS } from './functions.ts';
import type { GoValue } from './go-values.ts';
import { type ParsedTemplate, parseTemplate, TemplateParseError } from './parser.ts';

export type { ExecLimits } from './exec-state.ts';
export type { ParsedTemplate } from './parser.ts';

export const TEMPLATE_PARSE_ERROR = 'TemplateParseError';
export const TEMPLATE_EXEC_ERROR = 'TemplateExecError';

export interface TemplateOptions {
  /** Defaults to Flux's function map (builtins + hermetic Sprig). */
  readonly funcs?: ReadonlyMap<string, FuncEntry>;
}

/** Parses `text` as Go's `template.New(name).Funcs(…).Parse(text)` would. */
export const parseGoTemplate = (
  name: string,
  text: string,
  options: TemplateOptions = {},
): ParsedTemplate => {
  const funcs = options.funcs ?? FLUX_FUNCTIONS;
  try {
    return parseTemplate(name, text, (fn) => funcs.has(fn));
  } catch (error) {
    if (error instanceof TemplateParseError)
      throw new InvalidConfigError(error.message, {
        cause: error,
        data: { reason: TEMPLATE_PARSE_ERROR, template: name, line: error.line },
      });
    if (error instanceof RangeError)
      throw new InvalidConfigError(`template: ${name}: template too deeply nested: ${error.message}`, {
        cause: error,
        data: { reason: TEMPLATE_PARSE_ERROR, template: name },
      });
    throw error;
  }
};

/** Executes a parsed template against `data` (Go's `tmpl.Execute(w, data)`), returning the output. */
export const executeGoTemplate = (
  tmpl: ParsedTemplate,
  data: GoValue,
  options: TemplateOptions & { readonly limits?: Partial<ExecLimits> } = {},
): string => {
  try {
    return execute(tmpl, data, options.funcs ?? FLUX_FUNCTIONS, { ...DEFAULT_LIMITS, ...options.limits });
  } catch (error) {
    if (error instanceof TemplateExecError)
      throw new InvalidConfigError(error.message, {
        cause: error,
        data: { reason: TEMPLATE_EXEC_ERROR, template: tmpl.name, line: error.line, column: error.column },
      });
    if (error instanceof RangeError)
      throw new InvalidConfigError(
        `template: ${tmpl.name}: execution too deep or too large: ${error.message}`,
        {
          cause: error,
          data: { reason: TEMPLATE_EXEC_ERROR, template: tmpl.name },
        },
      );
    throw error;
  }
};
