import { Composer, isMap, isPair, isScalar, isSeq, Parser, type Scalar } from 'yaml';
import type { ObjectIdentifier } from '../changes.ts';
import { MARKER_TOKEN } from './candidate-file.ts';
import { identifyObject } from './identify-object.ts';
import { parseMarkerComment } from './marker-comment.ts';
import type { ScalarStyle } from './render-scalar.ts';
import { afterBlockIndicators, headCommentAbove, lineCommentAt } from './scalar-comments.ts';
import { collectComments, createLineIndex } from './source-comments.ts';

/** A scalar carrying a marker, with everything needed to replace its source text and no more. */
export interface MarkedScalar {
  readonly setter: string;
  /** Source range [start, end) of the scalar, anchor and tag excluded (they stay). */
  readonly start: number;
  readonly end: number;
  /** Text to write after the new value: a block header's comment and line break, or a space before a comment. */
  readonly keep: string;
  readonly style: ScalarStyle;
  readonly inFlow: boolean;
  /** The current value as a YAML reader sees it (Flux compares this, not the source text). */
  readonly value: string;
  readonly line: number;
  readonly markerLine: number;
  readonly object: ObjectIdentifier;
}

export interface MarkerNotice {
  readonly line: number;
  readonly message: string;
}

export type LocatedMarkers =
  | { readonly kind: 'parsed'; readonly markers: MarkedScalar[]; readonly notices: MarkerNotice[] }
  | { readonly kind: 'unparsable'; readonly notice: MarkerNotice };

type Role = 'value' | 'item' | 'root';
interface Context {
  readonly object: ObjectIdentifier;
  readonly inFlow: boolean;
}

/**
 * Finds the scalars Flux would treat as marked (flux-semantics §4.2): mapping values and sequence
 * items (keys never), whose line comment, or failing any line comment the single comment line
 * directly above a block-sequence item, parses as a marker. Beyond Flux, which skips such files,
 * documents whose top level is a sequence or a scalar are searched too. Comments that name
 * `"$imagepolicy"` yet are not applied come back as notices, since Flux ignores them silently.
 */
export const locateMarkers = (source: string): LocatedMarkers => {
  // yaml 2.9.1 rejects a BOM directly followed by a top-level `- item`; parse without the BOM
  // and shift offsets back (lines are unaffected).
  const bom = source.startsWith('\uFEFF') ? 1 : 0;
  const text = source.slice(bom);
  const tokens = Array.from(new Parser().parse(text));
  const documents = Array.from(new Composer().compose(tokens, true, text.length));
  const lineOf = createLineIndex(text);
  const error = documents.flatMap((doc) => doc.errors)[0];
  if (error) {
    return {
      kind: 'unparsable',
      notice: { line: lineOf(error.pos[0]), message: `not valid YAML, left as is: ${error.message}` },
    };
  }

  const comments = collectComments(tokens);
  const used = new Set<number>();
  const markers: MarkedScalar[] = [];

  const consider = (scalar: Scalar, role: Role, context: Context): void => {
    if (!scalar.range) return;
    const [start, end] = scalar.range;
    const style = styleOf(scalar.type);
    const lineComment = lineCommentAt(
      text,
      style === 'block' ? afterBlockIndicators(text, start) : end,
      comments,
    );
    const at =
      lineComment ??
      (role === 'item' && !context.inFlow ? headCommentAbove(text, start, comments) : undefined);
    if (at === undefined || (role === 'root' && start === end)) return;
    const setter = parseMarkerComment(comments.get(at) ?? '');
    if (setter === undefined) return;
    used.add(at);
    markers.push({
      setter,
      start: start + bom,
      end: end + bom,
      // An empty value sits right at its comment (`image: # {…}`): the new value needs a space after it.
      keep: style === 'block' ? blockKeep(text, start, end) : start === end && text[end] === '#' ? ' ' : '',
      style,
      inFlow: context.inFlow,
      value: scalar.source ?? String(scalar.value ?? ''),
      line: lineOf(start),
      markerLine: lineOf(at),
      object: context.object,
    });
  };

  const walk = (node: unknown, role: Role, context: Context): void => {
    if (isScalar(node)) consider(node, role, context);
    else if (isMap(node)) {
      const inner = { ...context, inFlow: context.inFlow || node.flow === true };
      for (const pair of node.items) walk(pair.value, 'value', inner);
    } else if (isSeq(node)) {
      const inner = { ...context, inFlow: context.inFlow || node.flow === true };
      for (const item of node.items) {
        if (isPair(item)) walk(item.value, 'value', inner);
        else walk(item, 'item', inner);
      }
    }
  };

  const single = documents.filter((doc) => doc.contents !== null).length === 1;
  for (const doc of documents) {
    const root = doc.contents;
    const object = identifyObject(root);
    if (single && isMap(root) && (object.kind === 'List' || object.kind === 'ResourceList')) {
      // kyaml unwraps a lone List's items into separate objects, so a change inside an item is
      // recorded against that item, not against the List.
      for (const pair of root.items) {
        const items = pair.value;
        if (isScalar(pair.key) && pair.key.value === 'items' && isSeq(items)) {
          for (const item of items.items)
            walk(item, 'item', { object: identifyObject(item), inFlow: items.flow === true });
        } else walk(items, 'value', { object, inFlow: root.flow === true });
      }
    } else walk(root, 'root', { object, inFlow: false });
  }

  const notices: MarkerNotice[] = [];
  for (const [at, comment] of comments) {
    if (used.has(at) || !comment.includes(MARKER_TOKEN)) continue;
    const setter = parseMarkerComment(comment);
    if (setter !== undefined) {
      notices.push({
        line: lineOf(at),
        message: `marker for "${setter}" ignored: a marker must end the line of a scalar value, or stand alone on the line above a sequence item`,
      });
    } else if (comment.replace(/^#+/, '').trimStart().startsWith('{')) {
      notices.push({
        line: lineOf(at),
        message: `comment names ${MARKER_TOKEN} but is not a marker: it must be a JSON object of strings, e.g. # {"$imagepolicy": "namespace:policy"}`,
      });
    }
  }
  markers.sort((a, b) => a.start - b.start);
  notices.sort((a, b) => a.line - b.line);
  return { kind: 'parsed', markers, notices };
};

const styleOf = (type: Scalar.Type | undefined): ScalarStyle => {
  switch (type) {
    case 'QUOTE_SINGLE':
      return 'single-quoted';
    case 'QUOTE_DOUBLE':
      return 'double-quoted';
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED':
      return 'block';
    default:
      return 'plain';
  }
};

/**
 * A block scalar is replaced header and body together; what follows its indicators on the header
 * line (spaces and the marker comment) and the final line break are written back unchanged.
 */
const blockKeep = (text: string, start: number, end: number): string => {
  const from = afterBlockIndicators(text, start);
  const newline = text.indexOf('\n', from);
  const headerTail = text.slice(from, newline === -1 || newline >= end ? end : newline).replace(/\r$/, '');
  const source = text.slice(start, end);
  const lastBreak = source.endsWith('\r\n') ? '\r\n' : source.endsWith('\n') ? '\n' : '';
  return headerTail + lastBreak;
};
