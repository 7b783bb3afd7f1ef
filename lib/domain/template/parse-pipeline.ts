/**
 * Pipelines, commands and operands (Go `parse.Tree.pipeline`, `command`, `operand`, `term`): the
 * inside of an action, `$x := …` declarations included.
 */
import type { ArgNode, CommandNode, PipeNode, VariableNode } from './ast.ts';
import { nodeString } from './ast.ts';
import type { Item, ItemType } from './lexer.ts';
import { parseNumber } from './parse-number.ts';
import type { TokenStream } from './parser-state.ts';
import { quote } from './quote.ts';

const MAX_STACK_DEPTH = 1000;

export const pipeline = (p: TokenStream, context: string, end: ItemType): PipeNode => {
  const first = p.peekNonSpace();
  const pipe: PipeNode = {
    kind: 'pipe',
    pos: first.pos,
    line: first.line,
    isAssign: false,
    decl: [],
    cmds: [],
  };
  for (;;) {
    const v = p.peekNonSpace();
    if (v.type !== 'variable') break;
    const mark = p.index;
    p.nextNonSpace();
    const next = p.peekNonSpace();
    if (next.type === 'assign' || next.type === 'declare') {
      pipe.isAssign = next.type === 'assign';
      p.nextNonSpace();
      pipe.decl.push({ kind: 'variable', pos: v.pos, ident: [v.val] });
      p.vars.push(v.val);
      break;
    }
    if (next.type === 'char' && next.val === ',') {
      p.nextNonSpace();
      pipe.decl.push({ kind: 'variable', pos: v.pos, ident: [v.val] });
      p.vars.push(v.val);
      if (context === 'range' && pipe.decl.length < 2) {
        const after = p.peekNonSpace().type;
        if (after === 'variable' || after === 'rightDelim' || after === 'rightParen') continue;
        p.errorf('range can only initialize variables');
      }
      p.errorf(`too many declarations in ${context}`);
    }
    p.index = mark;
    break;
  }
  for (;;) {
    const item = p.nextNonSpace();
    if (item.type === end) {
      checkPipeline(p, pipe, context);
      return pipe;
    }
    switch (item.type) {
      case 'bool':
      case 'charConstant':
      case 'complex':
      case 'dot':
      case 'field':
      case 'identifier':
      case 'number':
      case 'nil':
      case 'rawString':
      case 'string':
      case 'variable':
      case 'leftParen':
        p.backup();
        pipe.cmds.push(command(p));
        break;
      default:
        p.unexpected(item, context);
    }
  }
};

const checkPipeline = (p: TokenStream, pipe: PipeNode, context: string): void => {
  if (pipe.cmds.length === 0) p.errorf(`missing value for ${context}`);
  for (const [i, cmd] of pipe.cmds.slice(1).entries()) {
    const kind = cmd.args[0]?.kind;
    if (kind === 'bool' || kind === 'dot' || kind === 'nil' || kind === 'number' || kind === 'string')
      p.errorf(`non executable command in pipeline stage ${i + 2}`);
  }
};

const command = (p: TokenStream): CommandNode => {
  const cmd: CommandNode = { kind: 'command', pos: p.peekNonSpace().pos, args: [] };
  for (;;) {
    p.peekNonSpace();
    const arg = operand(p);
    if (arg) cmd.args.push(arg);
    const item = p.next();
    if (item.type === 'space') continue;
    if (item.type === 'rightDelim' || item.type === 'rightParen') p.backup();
    else if (item.type !== 'pipe') p.unexpected(item, 'operand');
    break;
  }
  if (cmd.args.length === 0) p.errorf('empty command');
  return cmd;
};

const operand = (p: TokenStream): ArgNode | undefined => {
  const node = term(p);
  if (!node || p.peek().type !== 'field') return node;
  const pos = p.peek().pos;
  const fields: string[] = [];
  while (p.peek().type === 'field') fields.push(p.next().val.slice(1));
  switch (node.kind) {
    case 'field':
      return { kind: 'field', pos, ident: [...node.ident, ...fields] };
    case 'variable':
      return { kind: 'variable', pos, ident: [...node.ident, ...fields] };
    case 'bool':
    case 'string':
    case 'number':
    case 'nil':
    case 'dot':
      return p.errorf(`unexpected . after term ${quote(nodeString(node))}`);
    default:
      return { kind: 'chain', pos, node, field: fields };
  }
};

const term = (p: TokenStream): ArgNode | undefined => {
  const item = p.nextNonSpace();
  switch (item.type) {
    case 'identifier':
      if (!p.hasFunction(item.val)) p.errorf(`function ${quote(item.val)} not defined`);
      return { kind: 'identifier', pos: item.pos, name: item.val };
    case 'dot':
      return { kind: 'dot', pos: item.pos };
    case 'nil':
      return { kind: 'nil', pos: item.pos };
    case 'variable':
      return useVar(p, item);
    case 'field':
      return { kind: 'field', pos: item.pos, ident: [item.val.slice(1)] };
    case 'bool':
      return { kind: 'bool', pos: item.pos, value: item.val === 'true' };
    case 'charConstant':
    case 'complex':
    case 'number':
      try {
        return parseNumber(item.pos, item.val, item.type === 'charConstant');
      } catch (error) {
        return p.errorf((error as Error).message);
      }
    case 'leftParen':
      if (p.stackDepth >= MAX_STACK_DEPTH) p.errorf('max expression depth exceeded');
      p.stackDepth++;
      try {
        return pipeline(p, 'parenthesized pipeline', 'rightParen');
      } finally {
        p.stackDepth--;
      }
    case 'string':
    case 'rawString':
      return { kind: 'string', pos: item.pos, quoted: item.val, text: p.unquote(item.val) };
  }
  p.backup();
  return undefined;
};

const useVar = (p: TokenStream, item: Item): VariableNode => {
  const ident = item.val.split('.');
  const name = ident[0] ?? '';
  if (!p.vars.includes(name)) p.errorf(`undefined variable ${quote(name)}`);
  return { kind: 'variable', pos: item.pos, ident };
};
