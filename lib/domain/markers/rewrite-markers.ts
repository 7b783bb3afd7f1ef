import type { Change } from '../changes.ts';
import { locateMarkers } from './locate-markers.ts';
import { renderScalar } from './render-scalar.ts';
import type { SetterTable } from './setters.ts';

/** Something the user should know about a file that is not an error: the run goes on. */
export interface MarkerWarning {
  /** Path relative to the scanned root, forward slashes. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  readonly message: string;
}

export type RewriteResult =
  | {
      readonly kind: 'rewritten';
      readonly text: string;
      readonly changes: Change[];
      readonly warnings: MarkerWarning[];
    }
  | { readonly kind: 'unchanged'; readonly warnings: MarkerWarning[] }
  | { readonly kind: 'unparsable'; readonly warnings: MarkerWarning[] };

/**
 * Applies the setters to every marked scalar of a YAML file by replacing that scalar's source text
 * and nothing else: the rest of the file (indentation, comments, blank lines, separators, other
 * scalars, line endings, BOM, final newline) keeps its bytes. Flux re-serialises the whole file
 * instead (flux-semantics §4.5). Values already current produce no change, so a second run over
 * its own output finds nothing to do. A marker naming a setter the table lacks (another namespace,
 * a policy without a latest ref, a typo) is left alone and reported, where Flux stays silent.
 * A file that does not parse is left untouched, as Flux does, and reported.
 */
export const rewriteMarkers = (
  text: string,
  setters: SetterTable,
  options: { readonly file: string },
): RewriteResult => {
  const { file } = options;
  const located = locateMarkers(text);
  if (located.kind === 'unparsable') return { kind: 'unparsable', warnings: [{ file, ...located.notice }] };

  const warnings: MarkerWarning[] = located.notices.map((notice) => ({ file, ...notice }));
  const changes: Change[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  for (const marker of located.markers) {
    const value = setters.get(marker.setter);
    if (value === undefined) {
      warnings.push({
        file,
        line: marker.markerLine,
        message: `marker names setter "${marker.setter}", which no policy in scope provides; value left as is`,
      });
      continue;
    }
    if (value === marker.value) continue;
    edits.push({
      start: marker.start,
      end: marker.end,
      text: renderScalar(value, marker.style, marker.inFlow) + marker.keep,
    });
    changes.push({
      file,
      line: marker.line,
      object: marker.object,
      setter: marker.setter,
      oldValue: marker.value,
      newValue: value,
    });
  }
  warnings.sort((a, b) => a.line - b.line);
  if (edits.length === 0) return { kind: 'unchanged', warnings };

  let rewritten = '';
  let copied = 0;
  for (const edit of edits) {
    rewritten += text.slice(copied, edit.start) + edit.text;
    copied = edit.end;
  }
  return { kind: 'rewritten', text: rewritten + text.slice(copied), changes, warnings };
};
