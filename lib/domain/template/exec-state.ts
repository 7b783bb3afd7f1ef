/**
 * The state of one template execution (Go `text/template/exec.go` `state`): the variable stack, the
 * output, the node being evaluated (for error context) and the template-call depth.
 */
import { type AnyNode, nodeString } from './ast.ts';
import type { FuncDef } from './func-def.ts';
import type { GoValue } from './go-values.ts';
import type { ParsedTemplate } from './parser.ts';
import { quote } from './quote.ts';
import { byteLength } from './utf8.ts';

/**
 * A nil held in an interface-typed slot (`[]interface {}` element, `map[string]interface {}` value) as
 * range and field chains see it before a pipeline unwraps it: Go can tell it from "no value", and
 * reaching through it is an error (`nil pointer evaluating interface {}.X`).
 */
export const NIL_INTERFACE: unique symbol = Symbol('nil interface');
/** What dot and variables can hold during execution. */
export type Val = GoValue | typeof NIL_INTERFACE;

export const unwrapNil = (v: Val): GoValue => (v === NIL_INTERFACE ? undefined : v);

export class TemplateExecError extends Error {
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, line?: number, column?: number) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

export interface FuncEntry {
  readonly def: FuncDef;
  /** text/template builtins get special treatment for `and`, `or` and `call`. */
  readonly builtin: boolean;
}

export interface ExecLimits {
  /** Output size at which execution stops: a runaway template must not exhaust memory. */
  readonly maxOutputBytes: number;
  /** Nested `{{template}}` calls (Go allows 100000; JS stacks are smaller, and messages need few). */
  readonly maxDepth: number;
  /**
   * Work one execution may do, counted deterministically (no clock): one step per node walked (each
   * range iteration walks its body), plus one per function call and one per 64 bytes or element a
   * function returns. Go has no such budget; here a template comes from a tenant's repository and a
   * run of `{{ range 100000000000 }}{{ end }}` must end (in an error) rather than pin a core.
   */
  readonly maxSteps: number;
}

/** Commit messages, branch names and pull-request texts: 64 KiB out, 100 nested calls, 1,000,000 steps. */
export const DEFAULT_LIMITS: ExecLimits = Object.freeze({
  maxOutputBytes: 64 * 1024,
  maxDepth: 100,
  maxSteps: 1_000_000,
});

export class ExecState {
  readonly tmpl: ParsedTemplate;
  readonly funcs: ReadonlyMap<string, FuncEntry>;
  readonly limits: ExecLimits;
  /** Name of the template being executed (changes inside `{{template}}`). */
  name: string;
  node: AnyNode | undefined;
  vars: { name: string; value: Val }[];
  depth = 0;
  steps = 0;
  readonly out: string[] = [];
  outBytes = 0;

  constructor(
    tmpl: ParsedTemplate,
    funcs: ReadonlyMap<string, FuncEntry>,
    limits: ExecLimits,
    data: GoValue,
  ) {
    this.tmpl = tmpl;
    this.funcs = funcs;
    this.limits = limits;
    this.name = tmpl.name;
    this.vars = [{ name: '$', value: data }];
  }

  at(node: AnyNode): void {
    this.node = node;
  }

  mark(): number {
    return this.vars.length;
  }
  pop(mark: number): void {
    this.vars.length = mark;
  }
  push(name: string, value: Val): void {
    this.vars.push({ name, value });
  }
  setVar(name: string, value: Val): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v?.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  setTopVar(n: number, value: Val): void {
    const v = this.vars[this.vars.length - n];
    if (v) v.value = value;
  }
  varValue(name: string): Val {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v?.name === name) return v.value;
    }
    return this.errorf(`undefined variable: ${name}`);
  }

  /** Spends `cost` steps of the budget; past it, execution stops with an error. */
  step(cost = 1): void {
    this.steps += cost;
    if (this.steps > this.limits.maxSteps)
      this.errorf(`execution exceeds the budget of ${this.limits.maxSteps} steps`);
  }

  write(text: string): void {
    this.out.push(text);
    this.outBytes += byteLength(text);
    if (this.outBytes > this.limits.maxOutputBytes)
      this.errorf(`output exceeds the limit of ${this.limits.maxOutputBytes} bytes`);
  }

  /** Go's `state.errorf`: `template: NAME:LINE:COL: executing "NAME" at <NODE>: message`. */
  errorf(message: string): never {
    const node = this.node;
    if (!node) throw new TemplateExecError(`template: ${this.name}: ${message}`);
    const before = this.tmpl.text.slice(0, node.pos);
    const lastNewline = before.lastIndexOf('\n');
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const column = byteLength(lastNewline < 0 ? before : before.slice(lastNewline + 1));
    throw new TemplateExecError(
      `template: ${this.tmpl.name}:${line}:${column}: executing ${quote(this.name)} at <${nodeString(node)}>: ${message}`,
      line,
      column,
    );
  }
}
