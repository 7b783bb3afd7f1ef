/**
 * Template execution (Go `text/template/exec.go` `walk*`): text, actions, if/with/range (with `else`,
 * `break`, `continue`, sorted map iteration, range over integers) and `{{template}}` calls.
 */
import type { BranchNode, ListNode, Node, PipeNode, TemplateNode } from './ast.ts';
import { evalPipeline } from './exec-eval.ts';
import { type ExecLimits, ExecState, type FuncEntry, NIL_INTERFACE, type Val } from './exec-state.ts';
import { formatValue } from './fmt-printer.ts';
import type { GoType } from './go-types.ts';
import { GoInt, GoMap, GoSlice, type GoValue, intValue, isTrue } from './go-values.ts';
import type { ParsedTemplate } from './parser.ts';
import { quote } from './quote.ts';

const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');

const walk = (s: ExecState, dot: Val, node: Node): void => {
  s.at(node);
  s.step();
  switch (node.kind) {
    case 'action': {
      const value = evalPipeline(s, dot, node.pipe);
      if (node.pipe.decl.length === 0) {
        s.at(node);
        s.write(value === undefined ? '<no value>' : formatValue(value));
      }
      return;
    }
    case 'break':
      throw BREAK;
    case 'continue':
      throw CONTINUE;
    case 'if':
    case 'with':
      walkIfOrWith(s, dot, node);
      return;
    case 'list':
      for (const child of node.nodes) walk(s, dot, child);
      return;
    case 'range':
      walkRange(s, dot, node);
      return;
    case 'template':
      walkTemplate(s, dot, node);
      return;
    case 'text':
      s.write(node.text);
      return;
    default:
      s.errorf(`unknown node: ${node.kind}`);
  }
};

const walkIfOrWith = (s: ExecState, dot: Val, node: BranchNode): void => {
  const mark = s.mark();
  try {
    const value = evalPipeline(s, dot, node.pipe);
    if (isTrue(value)) walk(s, node.kind === 'with' ? value : dot, node.list);
    else if (node.elseList) walk(s, dot, node.elseList);
  } finally {
    s.pop(mark);
  }
};

/** A nil element of an interface-typed container is a nil interface value, not "no value". */
const heldNil = (elem: GoType | undefined): Val => (elem?.kind === 'interface' ? NIL_INTERFACE : undefined);

const walkRange = (s: ExecState, dot: Val, r: BranchNode): void => {
  s.at(r);
  const outer = s.mark();
  try {
    const value = evalPipeline(s, dot, r.pipe);
    const mark = s.mark();
    const decl = r.pipe.decl;
    const oneIteration = (index: GoValue, elem: Val): void => {
      if (decl.length > 0) {
        if (r.pipe.isAssign) s.setVar(decl[0]?.ident[0] ?? '', decl.length > 1 ? index : elem);
        else s.setTopVar(1, elem);
      }
      if (decl.length > 1) {
        if (r.pipe.isAssign) s.setVar(decl[1]?.ident[0] ?? '', elem);
        else s.setTopVar(2, index);
      }
      try {
        walk(s, elem, r.list);
      } catch (signal) {
        if (signal !== CONTINUE) throw signal;
      } finally {
        s.pop(mark);
      }
    };
    let ran = false;
    const n = intValue(value);
    if (n !== undefined) {
      if (decl.length > 1) s.errorf(`can't use ${formatValue(value)} to iterate over more than one variable`);
      for (let i = 0n; i < n; i++) {
        ran = true;
        oneIteration(undefined, value instanceof GoInt ? new GoInt(value.type, i) : i);
      }
    } else if (value instanceof GoSlice) {
      const held = heldNil(value.type.elem);
      for (const [i, item] of value.items.entries()) {
        ran = true;
        oneIteration(BigInt(i), item ?? held);
      }
    } else if (value instanceof GoMap) {
      const held = heldNil(value.type.elem);
      for (const { key, value: item } of value.sorted()) {
        ran = true;
        oneIteration(key, item ?? held);
      }
    } else if (value !== undefined) {
      s.errorf(`range can't iterate over ${formatValue(value)}`);
    }
    if (!ran && r.elseList) walk(s, dot, r.elseList);
  } catch (signal) {
    if (signal !== BREAK) throw signal;
  } finally {
    s.pop(outer);
  }
};

const walkTemplate = (s: ExecState, dot: Val, t: TemplateNode): void => {
  s.at(t);
  const tree = s.tmpl.trees.get(t.name);
  if (!tree) s.errorf(`template ${quote(t.name)} not defined`);
  if (s.depth >= s.limits.maxDepth) s.errorf(`exceeded maximum template depth (${s.limits.maxDepth})`);
  const value = evalPipeline(s, dot, t.pipe as PipeNode | undefined);
  const saved = { name: s.name, vars: s.vars, depth: s.depth };
  s.name = t.name;
  s.vars = [{ name: '$', value }];
  s.depth++;
  try {
    walk(s, value, tree as ListNode);
  } finally {
    s.name = saved.name;
    s.vars = saved.vars;
    s.depth = saved.depth;
  }
};

/** Executes the template named `tmpl.name` against `data`; throws `TemplateExecError`. */
export const execute = (
  tmpl: ParsedTemplate,
  data: GoValue,
  funcs: ReadonlyMap<string, FuncEntry>,
  limits: ExecLimits,
): string => {
  const s = new ExecState(tmpl, funcs, limits, data);
  const root = tmpl.trees.get(tmpl.name);
  if (!root) s.errorf(`${quote(tmpl.name)} is an incomplete or empty template`);
  walk(s, data, root as ListNode);
  return s.out.join('');
};
