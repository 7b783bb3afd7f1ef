/**
 * Evaluation of pipelines, commands, fields, variables and function calls (Go `text/template/exec.go`
 * `evalPipeline` … `evalEmptyInterface`), including Go's argument type checks and conversions.
 */
import {
  type ArgNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type NumberNode,
  nodeString,
  type PipeNode,
  type VariableNode,
} from './ast.ts';
import { type ExecState, NIL_INTERFACE, unwrapNil, type Val } from './exec-state.ts';
import { formatValue } from './fmt-printer.ts';
import { type FuncDef, FuncError, type ParamType } from './func-def.ts';
import { assignableTo, canBeNil, findFieldPath, type GoType, T } from './go-types.ts';
import { GoInt, GoMap, GoSlice, GoStruct, type GoValue, isTrue, typeOf, zeroValue } from './go-values.ts';

/** Marks "no value piped in" (Go's `missingVal`), distinct from a nil value. */
export const MISSING: unique symbol = Symbol('missing');
export type Final = Val | typeof MISSING;

const typeString = (t: ParamType): string => (t === 'value' ? 'reflect.Value' : t.name);

export const evalPipeline = (s: ExecState, dot: Val, pipe: PipeNode | undefined): GoValue => {
  if (!pipe) return undefined;
  s.at(pipe);
  let value: Final = MISSING;
  // Like Go, a command's interface{} result is unwrapped: a held nil becomes "no value".
  for (const cmd of pipe.cmds) value = unwrapNil(evalCommand(s, dot, cmd, value));
  const result = value === MISSING ? undefined : value;
  for (const variable of pipe.decl) {
    const name = variable.ident[0] ?? '';
    if (pipe.isAssign) s.setVar(name, result);
    else s.push(name, result);
  }
  return result;
};

const notAFunction = (s: ExecState, args: readonly ArgNode[], final: Final): void => {
  if (args.length > 1 || final !== MISSING)
    s.errorf(`can't give argument to non-function ${nodeString(args[0] as ArgNode)}`);
};

const evalCommand = (s: ExecState, dot: Val, cmd: CommandNode, final: Final): Val => {
  const first = cmd.args[0] as ArgNode;
  switch (first.kind) {
    case 'field':
      return evalFieldNode(s, dot, first, cmd.args, final);
    case 'chain':
      return evalChainNode(s, dot, first, cmd.args, final);
    case 'identifier':
      return evalFunction(s, dot, first, cmd, cmd.args, final);
    case 'pipe':
      notAFunction(s, cmd.args, final);
      return evalPipeline(s, dot, first);
    case 'variable':
      return evalVariableNode(s, dot, first, cmd.args, final);
  }
  s.at(first);
  notAFunction(s, cmd.args, final);
  switch (first.kind) {
    case 'bool':
      return first.value;
    case 'dot':
      return dot;
    case 'nil':
      return s.errorf('nil is not a command');
    case 'number':
      return idealConstant(s, first);
    case 'string':
      return first.text;
  }
};

/** A number constant with no type context takes the type its syntax suggests (Go `idealConstant`). */
const idealConstant = (s: ExecState, n: NumberNode): GoValue => {
  s.at(n);
  const isHexInt = /^0[xX]/.test(n.text) && !/[pP]/.test(n.text);
  if (n.isFloat && !isHexInt && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) return n.float64;
  if (n.isInt) return n.int64;
  if (n.isUint) return s.errorf(`${n.text} overflows int`);
  return undefined;
};

const evalFieldNode = (
  s: ExecState,
  dot: Val,
  field: FieldNode,
  args: readonly ArgNode[] | undefined,
  final: Final,
): Val => {
  s.at(field);
  return evalFieldChain(s, dot, dot, field, field.ident, args, final);
};

const evalChainNode = (
  s: ExecState,
  dot: Val,
  chain: ChainNode,
  args: readonly ArgNode[] | undefined,
  final: Final,
): Val => {
  s.at(chain);
  if (chain.node.kind === 'nil') s.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
  const receiver = evalArg(s, dot, undefined, chain.node);
  return evalFieldChain(s, dot, receiver, chain, chain.field, args, final);
};

const evalVariableNode = (
  s: ExecState,
  dot: Val,
  variable: VariableNode,
  args: readonly ArgNode[] | undefined,
  final: Final,
): Val => {
  s.at(variable);
  const value = s.varValue(variable.ident[0] ?? '');
  if (variable.ident.length === 1) {
    notAFunction(s, args ?? [], final);
    return value;
  }
  return evalFieldChain(s, dot, value, variable, variable.ident.slice(1), args, final);
};

const evalFieldChain = (
  s: ExecState,
  dot: Val,
  receiver: Val,
  node: FieldNode | ChainNode | VariableNode,
  ident: readonly string[],
  args: readonly ArgNode[] | undefined,
  final: Final,
): Val => {
  let value = receiver;
  for (let i = 0; i < ident.length - 1; i++)
    value = evalField(s, dot, ident[i] ?? '', node, undefined, MISSING, value);
  return evalField(s, dot, ident[ident.length - 1] ?? '', node, args, final, value);
};

const evalField = (
  s: ExecState,
  dot: Val,
  fieldName: string,
  node: FieldNode | ChainNode | VariableNode,
  args: readonly ArgNode[] | undefined,
  final: Final,
  receiver: Val,
): Val => {
  if (receiver === undefined) return undefined; // missingkey=default: a nil receiver yields no value
  if (receiver === NIL_INTERFACE) return s.errorf(`nil pointer evaluating interface {}.${fieldName}`);
  const type = typeOf(receiver) as GoType;
  const method = type.methods?.[fieldName];
  if (method) {
    const def: FuncDef = { params: [], call: () => method(receiver) };
    return evalCall(s, dot, def, false, node, fieldName, args, final);
  }
  const hasArgs = (args?.length ?? 0) > 1 || final !== MISSING;
  if (receiver instanceof GoStruct) {
    const path = findFieldPath(type, fieldName);
    if (path) {
      if (hasArgs) s.errorf(`${fieldName} has arguments but cannot be invoked as function`);
      let value: GoValue = receiver;
      for (const index of path) value = (value as GoStruct).values[index];
      return value;
    }
  } else if (receiver instanceof GoMap && type.key && assignableTo(T.string, type.key)) {
    if (hasArgs) s.errorf(`${fieldName} is not a method but has arguments`);
    const value = receiver.get(fieldName);
    return value === undefined && type.elem?.kind === 'interface' && receiver.has(fieldName)
      ? NIL_INTERFACE
      : value;
  }
  return s.errorf(`can't evaluate field ${fieldName} in type ${type.name}`);
};

const evalFunction = (
  s: ExecState,
  dot: Val,
  node: IdentifierNode,
  cmd: CommandNode | IdentifierNode,
  args: readonly ArgNode[] | undefined,
  final: Final,
): GoValue => {
  s.at(node);
  const entry = s.funcs.get(node.name);
  if (!entry) return s.errorf(`"${node.name}" is not a defined function`);
  return evalCall(s, dot, entry.def, entry.builtin, cmd, node.name, args, final);
};

const evalCall = (
  s: ExecState,
  dot: Val,
  fn: FuncDef,
  isBuiltin: boolean,
  node: CommandNode | IdentifierNode | FieldNode | ChainNode | VariableNode,
  name: string,
  allArgs: readonly ArgNode[] | undefined,
  final: Final,
): GoValue => {
  const args = allArgs ? allArgs.slice(1) : [];
  const numIn = args.length + (final !== MISSING ? 1 : 0);
  let numFixed = args.length;
  if (fn.variadic !== undefined) {
    numFixed = fn.params.length;
    if (numIn < numFixed)
      s.errorf(`wrong number of args for ${name}: want at least ${fn.params.length} got ${args.length}`);
  } else if (numIn !== fn.params.length) {
    s.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
  }
  if (isBuiltin && (name === 'and' || name === 'or')) {
    let v: GoValue;
    for (const arg of args) {
      v = evalArg(s, dot, 'value', arg);
      if (isTrue(v) === (name === 'or')) return v;
    }
    if (final !== MISSING) v = unwrapNil(final);
    return v;
  }
  const argv: GoValue[] = [];
  let i = 0;
  for (; i < numFixed && i < args.length; i++) argv.push(evalArg(s, dot, fn.params[i], args[i] as ArgNode));
  if (fn.variadic !== undefined)
    for (; i < args.length; i++) argv.push(evalArg(s, dot, fn.variadic, args[i] as ArgNode));
  if (final !== MISSING) {
    let t: ParamType | undefined = fn.params[fn.params.length - 1];
    if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? fn.params[numIn - 1] : fn.variadic;
    argv.push(validateType(s, final, t));
  }
  if (isBuiltin && name === 'call') {
    const callee =
      args.length === 0
        ? formatValue(final === MISSING ? undefined : unwrapNil(final))
        : nodeString(args[0] as ArgNode);
    const target = argv[0];
    s.at(node);
    s.errorf(
      `error calling call: ${target === undefined ? 'call of nil' : `non-function ${callee} of type ${typeOf(target)?.name}`}`,
    );
  }
  let result: GoValue;
  try {
    result = fn.call(argv);
  } catch (error) {
    s.at(node);
    const message = error instanceof FuncError || error instanceof Error ? error.message : String(error);
    return s.errorf(`error calling ${name}: ${message}`);
  }
  // What a function builds counts against the budget too (`repeat`, `until` in a loop).
  s.step(1 + resultSize(result));
  return result;
};

const resultSize = (value: GoValue): number =>
  typeof value === 'string'
    ? value.length >>> 6
    : value instanceof GoSlice
      ? value.items.length
      : value instanceof GoMap
        ? value.size
        : 0;

/** Go `validateType`: a value must be assignable to the parameter; nil becomes the type's zero value. */
const validateType = (s: ExecState, value: Val, type: ParamType | undefined): GoValue => {
  if (value === NIL_INTERFACE) {
    // A nil interface{} is assignable only where an interface (or reflect.Value) is expected.
    if (type === undefined || type === 'value' || type.kind === 'interface') return undefined;
    return s.errorf(`wrong type for value; expected ${type.name}; got interface {}`);
  }
  if (type === undefined || type === 'value') return value;
  if (value === undefined) {
    if (canBeNil(type)) return zeroValue(type);
    return s.errorf(`invalid value; expected ${type.name}`);
  }
  const actual = typeOf(value) as GoType;
  if (!assignableTo(actual, type))
    s.errorf(`wrong type for value; expected ${type.name}; got ${actual.name}`);
  return value;
};

export const evalArg = (s: ExecState, dot: Val, type: ParamType | undefined, n: ArgNode): GoValue => {
  s.at(n);
  switch (n.kind) {
    case 'dot':
      return validateType(s, dot, type);
    case 'nil':
      if (type === undefined || type === 'value' || canBeNil(type))
        return type === undefined || type === 'value' ? undefined : zeroValue(type);
      return s.errorf(`cannot assign nil to ${typeString(type)}`);
    case 'field':
      return validateType(s, evalFieldNode(s, dot, n, [n], MISSING), type);
    case 'variable':
      return validateType(s, evalVariableNode(s, dot, n, undefined, MISSING), type);
    case 'pipe':
      return validateType(s, evalPipeline(s, dot, n), type);
    case 'identifier':
      return validateType(s, evalFunction(s, dot, n, n, undefined, MISSING), type);
    case 'chain':
      return validateType(s, evalChainNode(s, dot, n, undefined, MISSING), type);
  }
  if (type === undefined || type === 'value' || type.kind === 'interface') return evalEmptyInterface(s, n);
  switch (type.kind) {
    case 'bool':
      if (n.kind === 'bool') return n.value;
      return s.errorf(`expected bool; found ${nodeString(n)}`);
    case 'string':
      if (n.kind === 'string') return n.text;
      return s.errorf(`expected string; found ${nodeString(n)}`);
    case 'float64':
      if (n.kind === 'number' && n.isFloat) return n.float64;
      return s.errorf(`expected float; found ${nodeString(n)}`);
    case 'int':
    case 'int32':
    case 'int64':
      if (n.kind === 'number' && n.isInt) return type.kind === 'int' ? n.int64 : new GoInt(type, n.int64);
      return s.errorf(`expected integer; found ${nodeString(n)}`);
    case 'uint8':
      if (n.kind === 'number' && n.isUint) return new GoInt(type, n.uint64);
      return s.errorf(`expected unsigned integer; found ${nodeString(n)}`);
  }
  return s.errorf(`can't handle ${nodeString(n)} for arg of type ${type.name}`);
};

const evalEmptyInterface = (s: ExecState, n: ArgNode): GoValue => {
  s.at(n);
  switch (n.kind) {
    case 'bool':
      return n.value;
    case 'number':
      return idealConstant(s, n);
    case 'string':
      return n.text;
  }
  return s.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
};
