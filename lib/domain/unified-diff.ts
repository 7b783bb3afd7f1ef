/**
 * A unified diff (`diff -u` format) of two texts, for `reconcile --dry-run` and `plan`: what the
 * commit would change, readable by any reviewer. Myers' O(ND) line diff with three lines of context.
 */

type Edit = { readonly kind: ' ' | '-' | '+'; readonly line: string };

const splitLines = (text: string): string[] => {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};

/** Myers' greedy shortest edit script, then a backtrack to the edits. */
const editScript = (a: readonly string[], b: readonly string[]): Edit[] => {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0))
          ? (v[offset + k + 1] ?? 0)
          : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, offset, d);
    }
  }
  return [];
};

const backtrack = (
  trace: Int32Array[],
  a: readonly string[],
  b: readonly string[],
  offset: number,
  depth: number,
): Edit[] => {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = depth; d > 0; d--) {
    const v = trace[d] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
    const previousK = down ? k + 1 : k - 1;
    const previousX = v[offset + previousK] ?? 0;
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      edits.push({ kind: ' ', line: a[--x] as string });
      y--;
    }
    if (down) edits.push({ kind: '+', line: b[--y] as string });
    else edits.push({ kind: '-', line: a[--x] as string });
  }
  while (x > 0 && y > 0) {
    edits.push({ kind: ' ', line: a[--x] as string });
    y--;
  }
  return edits.reverse();
};

/** `--- a/<path>` / `+++ b/<path>` and hunks; '' when the texts are equal. */
export const unifiedDiff = (path: string, before: string, after: string, context = 3): string => {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const edits = editScript(a, b);
  const out = [`--- a/${path}`, `+++ b/${path}`];
  let i = 0;
  let lineA = 1;
  let lineB = 1;
  while (i < edits.length) {
    while (i < edits.length && edits[i]?.kind === ' ') {
      i++;
      lineA++;
      lineB++;
    }
    if (i >= edits.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while changes are within 2×context lines of each other.
    for (let j = i, gap = 0; j < edits.length; j++) {
      if (edits[j]?.kind === ' ') {
        gap++;
        if (gap > 2 * context) break;
      } else {
        gap = 0;
        end = j;
      }
    }
    const stop = Math.min(edits.length, end + context + 1);
    const lead = i - start;
    const hunk = edits.slice(start, stop);
    const countA = hunk.filter((e) => e.kind !== '+').length;
    const countB = hunk.filter((e) => e.kind !== '-').length;
    out.push(`@@ -${lineA - lead},${countA} +${lineB - lead},${countB} @@`);
    for (const edit of hunk) out.push(`${edit.kind}${edit.line}`);
    for (const edit of edits.slice(i, stop)) {
      if (edit.kind !== '+') lineA++;
      if (edit.kind !== '-') lineB++;
    }
    i = stop;
  }
  const noNewline = (text: string) => text !== '' && !text.endsWith('\n');
  if (noNewline(before) || noNewline(after)) out.push('\\ No newline at end of file');
  return `${out.join('\n')}\n`;
};
