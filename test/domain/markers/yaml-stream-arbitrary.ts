import fc from 'fast-check';
import { parseDocument } from 'yaml';

/**
 * Random YAML streams for the rewriter's property tests, rendered as pieces: literal text and the
 * source of each marked scalar, so a test can check that every byte outside the marked scalars
 * survives. The model stays within what is easy to render correctly by construction; tricky
 * layouts (flow-collection markers, anchors, empty values) live in the example and golden tests.
 */

type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';
interface Marker {
  readonly setter: string;
  readonly form: number;
  readonly placement: 'line' | 'head';
}
export interface ScalarNode {
  readonly kind: 'scalar';
  readonly style: ScalarStyle;
  readonly value: string;
  readonly chomp: '' | '-' | '+';
  readonly marker: Marker | null;
  readonly comment: boolean;
}
export interface MapNode {
  readonly kind: 'map';
  readonly entries: readonly { key: string; value: YamlNode; blank: boolean; comment: boolean }[];
}
export interface SeqNode {
  readonly kind: 'seq';
  readonly items: readonly YamlNode[];
}
export interface FlowNode {
  readonly kind: 'flow';
  readonly text: string;
}
export type YamlNode = ScalarNode | MapNode | SeqNode | FlowNode;

export interface Stream {
  readonly docs: readonly {
    root: YamlNode;
    leadingComment: boolean;
    separatorComment: boolean;
    end: boolean;
  }[];
  readonly indent: 2 | 4;
  readonly compactSeqs: boolean;
  readonly crlf: boolean;
  readonly bom: boolean;
  readonly finalNewline: boolean;
}

export type Piece = string | { readonly mark: number };
export interface Mark {
  readonly source: string;
  readonly doc: number;
  readonly path: readonly (string | number)[];
  readonly setter: string;
}

const isPlainString = (value: string) => {
  for (const version of ['1.1', '1.2'] as const) {
    const doc = parseDocument(value, { version });
    if (doc.errors.length > 0 || doc.contents?.toJSON() !== value) return false;
  }
  return true;
};

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/).filter(isPlainString);
const plainValue = fc.oneof(
  word,
  fc.stringMatching(/^[a-z][a-z0-9./-]{0,10}:[a-z0-9][a-z0-9.]{0,5}$/).filter(isPlainString),
  fc.constantFrom('ghcr.io/acme/web:1.9', 'v1', 'hello world', 'a#b', '-dash', 'x:y'),
);
const quotedValue = fc.string({
  unit: fc.constantFrom('a', 'b', '1', '.', ':', ' ', '#', "'", '"', '\\', '-', '{', '[', ',', 'é'),
  maxLength: 12,
});
const key = word.filter((k) => !/^(?:y|n|yes|no|on|off|true|false|null)$/i.test(k));

const scalar = (setters: readonly string[]): fc.Arbitrary<ScalarNode> =>
  fc.constantFrom<ScalarStyle>('plain', 'single', 'double', 'literal', 'folded').chain((style) =>
    fc.record({
      kind: fc.constant('scalar' as const),
      style: fc.constant(style),
      value:
        style === 'plain'
          ? plainValue
          : style === 'single' || style === 'double'
            ? quotedValue
            : fc.array(word, { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n')),
      chomp: fc.constantFrom<'' | '-' | '+'>('', '-', '+'),
      marker:
        setters.length === 0
          ? fc.constant(null)
          : fc.option(
              fc.record({
                setter: fc.constantFrom(...setters),
                form: fc.nat({ max: 2 }),
                placement: fc.constantFrom<'line' | 'head'>('line', 'head'),
              }),
              { freq: 2 },
            ),
      comment: fc.boolean(),
    }),
  );

const flow: fc.Arbitrary<FlowNode> = fc
  .oneof(
    fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => `[${words.join(', ')}]`),
    fc
      .array(fc.tuple(key, word), { minLength: 1, maxLength: 2 })
      .map((pairs) => `{${[...new Map(pairs)].map(([k, v]) => `${k}: "${v}"`).join(',  ')}}`),
  )
  .map((text) => ({ kind: 'flow' as const, text }));

export const streamArbitrary = (setters: readonly string[]): fc.Arbitrary<Stream> => {
  const { node } = fc.letrec<{ node: YamlNode; map: MapNode; seq: SeqNode }>((tie) => ({
    node: fc.oneof({ maxDepth: 4, depthIdentifier: 'yaml' }, scalar(setters), flow, tie('map'), tie('seq')),
    map: fc.record({
      kind: fc.constant('map' as const),
      entries: fc.uniqueArray(
        fc.record({ key, value: tie('node'), blank: fc.boolean(), comment: fc.boolean() }),
        { minLength: 1, maxLength: 4, selector: (entry) => entry.key },
      ),
    }),
    seq: fc.record({
      kind: fc.constant('seq' as const),
      items: fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
    }),
  }));
  const root = fc.oneof(
    { weight: 4, arbitrary: node.filter((n) => n.kind === 'map' || n.kind === 'seq') },
    { weight: 1, arbitrary: scalar(setters).filter((s) => s.style !== 'literal' && s.style !== 'folded') },
  );
  return fc.record({
    docs: fc.array(
      fc.record({ root, leadingComment: fc.boolean(), separatorComment: fc.boolean(), end: fc.boolean() }),
      { minLength: 1, maxLength: 3 },
    ),
    indent: fc.constantFrom<2 | 4>(2, 4),
    compactSeqs: fc.boolean(),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
  });
};

const markerText = ({ setter, form }: Marker) =>
  form === 0
    ? `# {"$imagepolicy": "${setter}"}`
    : form === 1
      ? `#{"$imagepolicy":"${setter}"}`
      : `# {"$imagepolicy": "${setter}", "note": "x"}`;

/** Renders a stream; `text` is the concatenation of the pieces (marked sources included). */
export const renderStream = (stream: Stream): { text: string; pieces: Piece[]; marks: Mark[] } => {
  const pieces: Piece[] = [];
  const marks: Mark[] = [];
  const eol = stream.crlf ? '\r\n' : '\n';
  const push = (text: string) => {
    const converted = text.replaceAll('\n', eol);
    const last = pieces[pieces.length - 1];
    if (typeof last === 'string') pieces[pieces.length - 1] = last + converted;
    else pieces.push(converted);
  };
  let doc = 0;
  const mark = (source: string, path: readonly (string | number)[], setter: string) => {
    marks.push({ source: source.replaceAll('\n', eol), doc, path, setter });
    pieces.push({ mark: marks.length - 1 });
  };
  const pad = (n: number) => ' '.repeat(n);

  const scalarSource = (s: ScalarNode): string => {
    switch (s.style) {
      case 'plain':
        return s.value;
      case 'single':
        return `'${s.value.replaceAll("'", "''")}'`;
      case 'double':
        return JSON.stringify(s.value);
      default:
        return `${s.style === 'literal' ? '|' : '>'}${s.chomp}`;
    }
  };

  /** A scalar after `key: ` or `- `; `contentIndent` is where a block scalar's lines go. */
  const emitScalar = (
    s: ScalarNode,
    path: readonly (string | number)[],
    contentIndent: number,
    headDone: boolean,
  ) => {
    const block = s.style === 'literal' || s.style === 'folded';
    const source = scalarSource(s);
    const body = block
      ? s.value
          .split('\n')
          .map((line) => `${pad(contentIndent)}${line}\n`)
          .join('')
      : '';
    if (s.marker && headDone) {
      mark(source, path, s.marker.setter);
      push('\n');
    } else if (s.marker && block) {
      mark(`${source} ${markerText(s.marker)}\n${body}`, path, s.marker.setter);
    } else if (s.marker) {
      mark(source, path, s.marker.setter);
      push(` ${markerText(s.marker)}\n`);
    } else {
      push(`${source}${s.comment ? ' # note' : ''}\n${body}`);
    }
  };

  const emitMap = (m: MapNode, indent: number, path: readonly (string | number)[], firstPrefix?: string) => {
    m.entries.forEach((entry, index) => {
      const first = index === 0 && firstPrefix !== undefined;
      if (!first && entry.blank) push('\n');
      if (!first && entry.comment) push(`${pad(indent)}# about ${entry.key}\n`);
      push(`${first ? firstPrefix : pad(indent)}${entry.key}:`);
      emitValue(entry.value, indent, [...path, entry.key]);
    });
  };

  const emitValue = (value: YamlNode, indent: number, path: readonly (string | number)[]) => {
    switch (value.kind) {
      case 'scalar':
        push(' ');
        emitScalar(value, path, indent + stream.indent, false);
        return;
      case 'flow':
        push(` ${value.text}\n`);
        return;
      case 'map':
        push('\n');
        emitMap(value, indent + stream.indent, path);
        return;
      case 'seq':
        push('\n');
        emitSeq(value, stream.compactSeqs ? indent : indent + stream.indent, path);
    }
  };

  const emitSeq = (s: SeqNode, indent: number, path: readonly (string | number)[]) => {
    s.items.forEach((item, index) => {
      const itemPath = [...path, index];
      switch (item.kind) {
        case 'scalar': {
          const head =
            item.marker?.placement === 'head' && item.style !== 'literal' && item.style !== 'folded';
          if (head && item.marker) push(`${pad(indent)}${markerText(item.marker)}\n`);
          push(`${pad(indent)}- `);
          emitScalar(item, itemPath, indent + 2, head);
          return;
        }
        case 'flow':
          push(`${pad(indent)}- ${item.text}\n`);
          return;
        case 'map':
          emitMap(item, indent + 2, itemPath, `${pad(indent)}- `);
          return;
        case 'seq':
          push(`${pad(indent)}-\n`);
          emitSeq(item, indent + 2, itemPath);
      }
    });
  };

  if (stream.bom) push('\uFEFF');
  stream.docs.forEach((d, index) => {
    doc = index;
    if (d.leadingComment) push(`# document ${index}\n`);
    if (index > 0 || d.leadingComment) push(d.separatorComment ? '--- # separator\n' : '---\n');
    if (d.root.kind === 'map') emitMap(d.root, 0, []);
    else if (d.root.kind === 'seq') emitSeq(d.root, 0, []);
    else if (d.root.kind === 'scalar') emitScalar(d.root, [], 2, false);
    if (d.end) push('...\n');
  });
  const last = pieces[pieces.length - 1];
  if (!stream.finalNewline && typeof last === 'string' && last.endsWith(eol)) {
    pieces[pieces.length - 1] = last.slice(0, -eol.length);
  }
  return {
    text: pieces.map((p) => (typeof p === 'string' ? p : (marks[p.mark] as Mark).source)).join(''),
    pieces,
    marks,
  };
};
