/**
 * The text/template parse tree (Go `text/template/parse/node.go`) and each node's `String()`, which
 * execution errors quote as their context (`executing "x" at <.Foo.Bar>: …`).
 */
import { quote } from './quote.ts';

export interface ListNode {
  readonly kind: 'list';
  readonly pos: number;
  readonly nodes: Node[];
}
export interface TextNode {
  readonly kind: 'text';
  readonly pos: number;
  readonly text: string;
}
export interface ActionNode {
  readonly kind: 'action';
  readonly pos: number;
  readonly line: number;
  readonly pipe: PipeNode;
}
export interface BranchNode {
  readonly kind: 'if' | 'range' | 'with';
  readonly pos: number;
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}
export interface TemplateNode {
  readonly kind: 'template';
  readonly pos: number;
  readonly line: number;
  readonly name: string;
  readonly pipe: PipeNode | undefined;
}
export interface ControlNode {
  readonly kind: 'break' | 'continue' | 'end' | 'else';
  readonly pos: number;
  readonly line: number;
}
export type Node = ListNode | TextNode | ActionNode | BranchNode | TemplateNode | ControlNode;

export interface PipeNode {
  readonly kind: 'pipe';
  readonly pos: number;
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode {
  readonly kind: 'command';
  readonly pos: number;
  readonly args: ArgNode[];
}
export interface FieldNode {
  readonly kind: 'field';
  readonly pos: number;
  /** Field names without dots: `.A.B` → ['A', 'B']. */
  readonly ident: readonly string[];
}
export interface VariableNode {
  readonly kind: 'variable';
  readonly pos: number;
  /** `$x.A` → ['$x', 'A']. */
  readonly ident: readonly string[];
}
export interface ChainNode {
  readonly kind: 'chain';
  readonly pos: number;
  readonly node: ArgNode;
  readonly field: readonly string[];
}
export interface IdentifierNode {
  readonly kind: 'identifier';
  readonly pos: number;
  readonly name: string;
}
export interface DotNode {
  readonly kind: 'dot' | 'nil';
  readonly pos: number;
}
export interface BoolNode {
  readonly kind: 'bool';
  readonly pos: number;
  readonly value: boolean;
}
export interface NumberNode {
  readonly kind: 'number';
  readonly pos: number;
  readonly text: string;
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly int64: bigint;
  readonly uint64: bigint;
  readonly float64: number;
}
export interface StringNode {
  readonly kind: 'string';
  readonly pos: number;
  readonly quoted: string;
  readonly text: string;
}
export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type AnyNode = Node | ArgNode | CommandNode;

const pipeString = (pipe: PipeNode): string => {
  let out = '';
  if (pipe.decl.length > 0) {
    out += pipe.decl.map(nodeString).join(', ');
    out += pipe.isAssign ? ' = ' : ' := ';
  }
  return out + pipe.cmds.map(nodeString).join(' | ');
};

/** Go's `Node.String()`. */
export const nodeString = (node: AnyNode): string => {
  switch (node.kind) {
    case 'list':
      return node.nodes.map(nodeString).join('');
    case 'text':
      return node.text;
    case 'action':
      return `{{${pipeString(node.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with':
      return `{{${node.kind} ${pipeString(node.pipe)}}}${nodeString(node.list)}${
        node.elseList ? `{{else}}${nodeString(node.elseList)}` : ''
      }{{end}}`;
    case 'template':
      return node.pipe
        ? `{{template ${quote(node.name)} ${pipeString(node.pipe)}}}`
        : `{{template ${quote(node.name)}}}`;
    case 'break':
    case 'continue':
    case 'end':
    case 'else':
      return `{{${node.kind}}}`;
    case 'pipe':
      return pipeString(node);
    case 'command':
      return node.args
        .map((arg) => (arg.kind === 'pipe' ? `(${pipeString(arg)})` : nodeString(arg)))
        .join(' ');
    case 'field':
      return node.ident.map((id) => `.${id}`).join('');
    case 'variable':
      return node.ident.join('.');
    case 'chain':
      return (
        (node.node.kind === 'pipe' ? `(${pipeString(node.node)})` : nodeString(node.node)) +
        node.field.map((f) => `.${f}`).join('')
      );
    case 'identifier':
      return node.name;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return node.value ? 'true' : 'false';
    case 'number':
      return node.text;
    case 'string':
      return node.quoted;
  }
};
