import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isScalar, parseAllDocuments, parseDocument } from 'yaml';
import { rewriteMarkers } from '../../../lib/domain/markers/rewrite-markers.ts';
import type { SetterTable } from '../../../lib/domain/markers/setters.ts';
import {
  type Mark,
  type Piece,
  renderStream,
  type Stream,
  streamArbitrary,
} from './yaml-stream-arbitrary.ts';

/**
 * Property tests for the byte-preserving rewriter. A random YAML stream (nesting, indentation,
 * sequence style, all scalar styles, comments, blank lines, separators, CRLF, BOM, final newline)
 * is rendered as pieces: literal text and marked scalars. After rewriting, every literal piece
 * must still be there byte for byte and in order, the data must be the old data with exactly the
 * marked values replaced, and a second run must find nothing to do.
 */

const SETTERS = ['ns:p0', 'ns:p0:tag', 'ns:p1', 'ns:p1:digest', 'ns:p2:name', 'other:unknown'] as const;

const newValue = fc.oneof(
  fc.constantFrom('1.10', '123', 'yes', 'on', 'null', '1e3', 'v1', 'word', '', 'a: b', '- x', '#x', "it's"),
  fc.constantFrom('ghcr.io/acme/web:1.2.3', `reg.example.com/a/b:v2@sha256:${'0f'.repeat(32)}`),
  fc.string({
    unit: fc.constantFrom(
      'a',
      'Z',
      '0',
      '.',
      ':',
      '/',
      ' ',
      '#',
      "'",
      '"',
      '\\',
      '\t',
      '\n',
      'é',
      '日',
      '[',
      ',',
      '{',
      '&',
      '*',
      '!',
      '|',
      '>',
      '%',
      '@',
      '`',
      '-',
      '?',
    ),
  }),
);

const setterTable: fc.Arbitrary<SetterTable> = fc.tuple(newValue, newValue, newValue, newValue, newValue).map(
  ([a, b, c, d, e]) =>
    new Map([
      ['ns:p0', a],
      ['ns:p0:tag', b],
      ['ns:p1', c],
      ['ns:p1:digest', d],
      ['ns:p2:name', e],
    ]),
);

const data = (text: string) => {
  // yaml 2.9.1 rejects a BOM directly followed by a top-level `- item`, so read without it.
  const docs = parseAllDocuments(text.replace(/^\uFEFF/, ''));
  for (const doc of docs) expect(doc.errors).toEqual([]);
  return docs.map((doc) => doc.toJS());
};

const getIn = (root: unknown, path: readonly (string | number)[]): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);

const setIn = (root: unknown[], doc: number, path: readonly (string | number)[], value: unknown): void => {
  if (path.length === 0) {
    root[doc] = value;
    return;
  }
  const parent = getIn(root[doc], path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = value;
};

/**
 * Finds each literal piece, in order, in the rewritten text. Between two literals sits one marked
 * scalar; `accepts` says whether a candidate region can be that scalar's new source, which settles
 * short literals (`- `) that also occur inside a scalar. Returns the regions.
 */
const alignLiterals = (
  pieces: readonly Piece[],
  text: string,
  accepts: (mark: number, region: string) => boolean,
) => {
  const regions: string[] = [];
  let at = 0;
  let pending: number | undefined;
  pieces.forEach((piece, index) => {
    if (typeof piece !== 'string') {
      pending = piece.mark;
      return;
    }
    let found = at;
    if (pending !== undefined) {
      const mark = pending;
      const isLast = index === pieces.length - 1;
      found = isLast ? text.length - piece.length : text.indexOf(piece, at);
      while (!isLast && found !== -1 && !accepts(mark, text.slice(at, found)))
        found = text.indexOf(piece, found + 1);
      expect(
        found,
        `literal #${index} ${JSON.stringify(piece.slice(0, 40))} found after its scalar`,
      ).toBeGreaterThanOrEqual(at);
      regions.push(text.slice(at, found));
    }
    expect(text.slice(found, found + piece.length), `literal #${index} kept byte for byte`).toBe(piece);
    pending = undefined;
    at = found + piece.length;
  });
  if (pending !== undefined) regions.push(text.slice(at));
  else expect(at).toBe(text.length);
  return regions;
};

/** Whether `region` (a new scalar source, plus a block header's comment and line break) reads as `value`. */
const readsAs = (region: string, value: string) => {
  const doc = parseDocument(region.replace(/\r?\n$/, ''));
  return doc.errors.length === 0 && isScalar(doc.contents) && doc.contents.value === value;
};

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

describe('rewriteMarkers, property-based', () => {
  it('changes only the marked scalars, to exactly the new values, and is idempotent', () => {
    fc.assert(
      fc.property(streamArbitrary(SETTERS), setterTable, (stream: Stream, setters: SetterTable) => {
        const { text, pieces, marks } = renderStream(stream);
        const before = data(text);

        const result = rewriteMarkers(text, setters, { file: 'f.yaml' });

        expect(result.kind).not.toBe('unparsable');
        const after = result.kind === 'rewritten' ? result.text : text;
        const expected = structuredClone(before);
        const expectedChanges: [string, unknown, string, number][] = [];
        const newValues = new Map<number, string>();
        let offset = 0;
        for (const piece of pieces) {
          if (typeof piece === 'string') {
            offset += piece.length;
            continue;
          }
          const mark = marks[piece.mark] as Mark;
          const oldValue = getIn(before[mark.doc], mark.path);
          const value = setters.get(mark.setter);
          if (value !== undefined && value !== oldValue) {
            newValues.set(piece.mark, value);
            setIn(expected, mark.doc, mark.path, value);
            expectedChanges.push([mark.setter, oldValue, value, lineAt(text, offset)]);
          }
          offset += mark.source.length;
        }
        const regions = alignLiterals(pieces, after, (mark, region) => {
          const value = newValues.get(mark);
          return value === undefined ? region === marks[mark]?.source : readsAs(region, value);
        });
        regions.forEach((region, index) => {
          const value = newValues.get(index);
          if (value === undefined) expect(region).toBe(marks[index]?.source);
          else
            expect(
              readsAs(region, value),
              `${JSON.stringify(region)} reads as ${JSON.stringify(value)}`,
            ).toBe(true);
        });
        expect(data(after)).toEqual(expected);
        expect(
          result.kind === 'rewritten'
            ? result.changes.map((c) => [c.setter, c.oldValue, c.newValue, c.line])
            : [],
        ).toEqual(expectedChanges);
        expect(result.warnings).toHaveLength(marks.filter((m) => !setters.has(m.setter)).length);

        expect(rewriteMarkers(after, setters, { file: 'f.yaml' }).kind).toBe('unchanged');
      }),
      { numRuns: 400 },
    );
  });

  it('leaves any stream without markers alone', () => {
    fc.assert(
      fc.property(streamArbitrary([]), (stream) => {
        const { text } = renderStream(stream);
        expect(rewriteMarkers(text, new Map(), { file: 'f.yaml' })).toEqual({
          kind: 'unchanged',
          warnings: [],
        });
      }),
      { numRuns: 100 },
    );
  });
});
