/**
 * The text/template parser (Go `text/template/parse/parse.go`): items → tree, with `define`/`block`
 * bodies collected into a tree set. Error messages match Go's (`template: NAME:LINE: …`), because users
 * see them in the automation's status.
 */
import type { BranchNode, ControlNode, ListNode, Node, PipeNode, TemplateNode } from './ast.ts';
import { nodeString } from './ast.ts';
import type { Item } from './lexer.ts';
import { pipeline } from './parse-pipeline.ts';
import { TokenStream } from './parser-state.ts';
import { quote } from './quote.ts';
import { isSpace } from './utf8.ts';

export { TemplateParseError } from './parser-state.ts';

export interface ParsedTemplate {
  readonly name: string;
  readonly text: string;
  /** Templates by name: the main one under `name`, plus every `define` and `block`. */
  readonly trees: ReadonlyMap<string, ListNode>;
}

const isEmptyTree = (node: Node): boolean => {
  if (node.kind === 'list') return node.nodes.every(isEmptyTree);
  if (node.kind === 'text') return [...node.text].every((ch) => isSpace(ch.codePointAt(0) ?? 0));
  return false;
};

class Parser extends TokenStream {
  readonly trees = new Map<string, ListNode>();

  add(name: string, root: ListNode): void {
    const existing = this.trees.get(name);
    if (existing === undefined || isEmptyTree(existing)) this.trees.set(name, root);
    else if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${quote(name)}`);
  }

  /** Parses a nested template body with fresh variables, as Go does with a new Tree. */
  subTree(name: string, context: string): void {
    const saved = { vars: this.vars, rangeDepth: this.rangeDepth };
    this.vars = ['$'];
    this.rangeDepth = 0;
    const { list, end } = this.itemList();
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add(name, list);
    this.vars = saved.vars;
    this.rangeDepth = saved.rangeDepth;
  }

  parse(): ParsedTemplate {
    const root: ListNode = { kind: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const mark = this.index;
        this.next();
        if (this.nextNonSpace().type === 'define') {
          const item = this.nextNonSpace();
          if (item.type !== 'string' && item.type !== 'rawString') this.unexpected(item, 'define clause');
          const name = this.unquote(item.val);
          this.expect('rightDelim', 'define clause');
          this.subTree(name, 'define clause');
          continue;
        }
        this.index = mark;
      }
      const node = this.textOrAction();
      if (node.kind === 'end' || node.kind === 'else') this.errorf(`unexpected ${nodeString(node)}`);
      root.nodes.push(node);
    }
    this.add(this.name, root);
    return { name: this.name, text: '', trees: this.trees };
  }

  itemList(): { list: ListNode; end: Node } {
    const list: ListNode = { kind: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const node = this.textOrAction();
      if (node.kind === 'end' || node.kind === 'else') return { list, end: node };
      list.nodes.push(node);
    }
    return this.errorf('unexpected EOF');
  }

  textOrAction(): Node {
    const item = this.nextNonSpace();
    if (item.type === 'text') return { kind: 'text', pos: item.pos, text: item.val };
    if (item.type === 'leftDelim') {
      this.actionLine = item.line;
      try {
        return this.action();
      } finally {
        this.actionLine = 0;
      }
    }
    return this.unexpected(item, 'input');
  }

  action(): Node {
    const item = this.nextNonSpace();
    switch (item.type) {
      case 'block':
        return this.blockControl();
      case 'break':
      case 'continue':
        return this.loopControl(item);
      case 'else':
        return this.elseControl();
      case 'end':
        return { kind: 'end', pos: this.expect('rightDelim', 'end').pos, line: item.line };
      case 'if':
      case 'range':
      case 'with':
        return this.branch(item.type);
      case 'template':
        return this.templateControl();
    }
    this.backup();
    const first = this.peek();
    return {
      kind: 'action',
      pos: first.pos,
      line: first.line,
      pipe: pipeline(this, 'command', 'rightDelim'),
    };
  }

  loopControl(keyword: Item): ControlNode {
    const kind = keyword.type as 'break' | 'continue';
    const item = this.nextNonSpace();
    if (item.type !== 'rightDelim') this.unexpected(item, `{{${kind}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
    return { kind, pos: keyword.pos, line: keyword.line };
  }

  elseControl(): ControlNode {
    const peek = this.peekNonSpace();
    if (peek.type === 'if' || peek.type === 'with') return { kind: 'else', pos: peek.pos, line: peek.line };
    const item = this.expect('rightDelim', 'else');
    return { kind: 'else', pos: item.pos, line: item.line };
  }

  branch(kind: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    const pipe = pipeline(this, kind, 'rightDelim');
    if (kind === 'range') this.rangeDepth++;
    const { list, end } = this.itemList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (end.kind === 'else') {
      // `{{else if …}}` / `{{else with …}}` nest a branch whose {{end}} closes both.
      if ((kind === 'if' || kind === 'with') && this.peek().type === kind) {
        this.next();
        elseList = { kind: 'list', pos: end.pos, nodes: [this.branch(kind)] };
      } else {
        const rest = this.itemList();
        if (rest.end.kind !== 'end') this.errorf(`expected end; found ${nodeString(rest.end)}`);
        elseList = rest.list;
      }
    }
    this.vars.length = mark;
    return { kind, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
  }

  templateName(item: Item, context: string): string {
    if (item.type !== 'string' && item.type !== 'rawString') this.unexpected(item, context);
    return this.unquote(item.val);
  }

  blockControl(): TemplateNode {
    const context = 'block clause';
    const item = this.nextNonSpace();
    const name = this.templateName(item, context);
    const pipe = pipeline(this, context, 'rightDelim');
    this.subTree(name, context);
    return { kind: 'template', pos: item.pos, line: item.line, name, pipe };
  }

  templateControl(): TemplateNode {
    const context = 'template clause';
    const item = this.nextNonSpace();
    const name = this.templateName(item, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = pipeline(this, context, 'rightDelim');
    }
    return { kind: 'template', pos: item.pos, line: item.line, name, pipe };
  }
}

/** Parses `text` as template `name`; `hasFunction` tells which identifiers are defined functions. */
export const parseTemplate = (
  name: string,
  text: string,
  hasFunction: (name: string) => boolean,
): ParsedTemplate => {
  const parsed = new Parser(name, text, hasFunction).parse();
  return { ...parsed, text };
};
