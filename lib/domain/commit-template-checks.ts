/**
 * Static checks of a parsed commit-message template, so mistakes surface when the automation is
 * validated rather than at the first image update:
 *
 * - use of the fields Flux 2.7 removed (`.Updated`, `.Changed.ImageResult`);
 * - field chains that cannot exist on the template's data (`.Foo`, `.Changed.Files`), reported with
 *   the message Go gives at run time;
 * - Sprig functions Flux defines but this implementation does not provide.
 *
 * The checker follows the type of dot and of variables through `with`, `range`, variable
 * declarations and `{{template}}` calls; wherever a type is unknown (a function result, an
 * interface value) it stays silent rather than guess.
 */
import { METHOD_RESULT_TYPES, RESULT, TEMPLATE_DATA } from './commit-message-data.ts';
import { type AnyNode, type ArgNode, type Node, nodeString, type PipeNode } from './template/ast.ts';
import { UNSUPPORTED_FUNCTIONS } from './template/functions.ts';
import { findFieldPath, type GoType, T } from './template/go-types.ts';
import type { ParsedTemplate } from './template/template.ts';
import { byteLength } from './template/utf8.ts';

export type RemovedField = '.Updated' | '.Changed.ImageResult';

export interface TemplateFindings {
  readonly removed: ReadonlySet<RemovedField>;
  /** Go's run-time message with the position, e.g. `template: NAME:2:11: at <.Foo>: can't evaluate …`. */
  readonly unknownFields: readonly string[];
  readonly unsupportedFunctions: ReadonlyMap<string, string>;
}

type Scope = Map<string, GoType | undefined>;

/** Flux detects the removed fields from these run-time errors (`checkRemovedTemplateField`). */
const removedOn = (type: GoType, name: string): RemovedField | undefined => {
  if (type.name === TEMPLATE_DATA.name && name === 'Updated') return '.Updated';
  if (type.name === RESULT.name && name === 'ImageResult') return '.Changed.ImageResult';
  return undefined;
};

export const checkCommitTemplate = (parsed: ParsedTemplate): TemplateFindings => {
  const removed = new Set<RemovedField>();
  const unknownFields = new Set<string>();
  const unsupportedFunctions = new Map<string, string>();
  const visited = new Set<string>();

  /** Follows `.A.B…` from `type`; reports what Go would fail on; returns the final type if known. */
  /** Reports a field that cannot exist, positioned as Go's execution error would be. */
  const unknown = (node: AnyNode, problem: string): void => {
    const before = parsed.text.slice(0, node.pos);
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const column = byteLength(before.slice(before.lastIndexOf('\n') + 1));
    unknownFields.add(`template: ${parsed.name}:${line}:${column}: at <${nodeString(node)}>: ${problem}`);
  };

  const chain = (type: GoType | undefined, ident: readonly string[], node: AnyNode): GoType | undefined => {
    let current = type;
    for (const name of ident) {
      if (!current) return undefined;
      const gone = removedOn(current, name);
      if (gone) {
        removed.add(gone);
        return undefined;
      }
      if (current.methods?.[name]) {
        current = METHOD_RESULT_TYPES[`${current.name}.${name}`];
      } else if (current.kind === 'struct') {
        const path = findFieldPath(current, name);
        if (!path) {
          unknown(node, `can't evaluate field ${name} in type ${current.name}`);
          return undefined;
        }
        for (const i of path) current = current?.fields?.[i]?.type;
      } else if (current.kind === 'map' && current.key?.kind === 'string') {
        current = current.elem?.kind === 'interface' ? undefined : current.elem;
      } else if (current.kind === 'interface') {
        return undefined;
      } else {
        unknown(node, `can't evaluate field ${name} in type ${current.name}`);
        return undefined;
      }
    }
    return current;
  };

  const argType = (arg: ArgNode, dot: GoType | undefined, scope: Scope): GoType | undefined => {
    switch (arg.kind) {
      case 'field':
        return chain(dot, arg.ident, arg);
      case 'variable':
        return chain(scope.get(arg.ident[0] ?? ''), arg.ident.slice(1), arg);
      case 'dot':
        return dot;
      case 'identifier': {
        const reason = UNSUPPORTED_FUNCTIONS.get(arg.name);
        if (reason) unsupportedFunctions.set(arg.name, reason);
        return undefined;
      }
      case 'chain':
        return chain(argType(arg.node, dot, scope), arg.field, arg);
      case 'pipe':
        return pipeType(arg, dot, scope);
      case 'string':
        return T.string;
      default:
        return undefined;
    }
  };

  /** The type a pipeline yields when it is a single non-function command; declares its variables. */
  const pipeType = (
    pipe: PipeNode | undefined,
    dot: GoType | undefined,
    scope: Scope,
  ): GoType | undefined => {
    let result: GoType | undefined;
    for (const [i, cmd] of (pipe?.cmds ?? []).entries()) {
      const types = cmd.args.map((arg) => argType(arg, dot, scope));
      const first = cmd.args[0];
      const plain = i === 0 && cmd.args.length === 1 && first?.kind !== 'identifier';
      result = plain ? types[0] : undefined;
    }
    return result;
  };

  const declare = (pipe: PipeNode, type: GoType | undefined, scope: Scope): void => {
    for (const v of pipe.decl) if (!pipe.isAssign) scope.set(v.ident[0] ?? '', type);
  };

  const visit = (node: Node, dot: GoType | undefined, scope: Scope): void => {
    switch (node.kind) {
      case 'list':
        for (const child of node.nodes) visit(child, dot, scope);
        return;
      case 'action':
        declare(node.pipe, pipeType(node.pipe, dot, scope), scope);
        return;
      case 'if':
      case 'with': {
        const inner = new Map(scope);
        const type = pipeType(node.pipe, dot, inner);
        declare(node.pipe, type, inner);
        visit(node.list, node.kind === 'with' ? type : dot, inner);
        if (node.elseList) visit(node.elseList, dot, new Map(inner));
        return;
      }
      case 'range': {
        const inner = new Map(scope);
        const type = pipeType(node.pipe, dot, inner);
        const elem =
          type?.kind === 'slice' || type?.kind === 'map'
            ? type.elem
            : type?.kind === 'int'
              ? type
              : undefined;
        const key = type?.kind === 'map' ? type.key : type?.kind === 'slice' ? T.int : undefined;
        const [first, second] = node.pipe.decl;
        if (!node.pipe.isAssign) {
          if (second && first) {
            inner.set(first.ident[0] ?? '', key);
            inner.set(second.ident[0] ?? '', elem);
          } else if (first) inner.set(first.ident[0] ?? '', elem);
        }
        visit(node.list, elem, new Map(inner));
        if (node.elseList) visit(node.elseList, dot, new Map(inner));
        return;
      }
      case 'template': {
        const type = pipeType(node.pipe, dot, scope);
        const tree = parsed.trees.get(node.name);
        const key = `${node.name}:${type?.name ?? '?'}`;
        if (tree && !visited.has(key)) {
          visited.add(key);
          visit(tree, type, new Map([['$', type]]));
        }
        return;
      }
      default:
        return;
    }
  };

  const main = parsed.trees.get(parsed.name);
  if (main) visit(main, TEMPLATE_DATA, new Map([['$', TEMPLATE_DATA]]));
  for (const [name, tree] of parsed.trees) {
    if (name === parsed.name || [...visited].some((k) => k.startsWith(`${name}:`))) continue;
    visited.add(`${name}:?`);
    visit(tree, undefined, new Map([['$', undefined]]));
  }
  return { removed, unknownFields: [...unknownFields], unsupportedFunctions };
};
