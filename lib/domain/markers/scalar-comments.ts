/**
 * Where a scalar's marker comment can be, by source position (flux-semantics §4.2). Offsets are
 * into the text the comments were collected from; `comments` maps each real comment's `#` offset
 * to its text, which tells comments apart from `#` inside block scalars and quoted strings.
 */

/**
 * The line comment after a scalar: only blanks between `from` (the scalar's end, or a block
 * scalar's indicators) and the `#`.
 */
export const lineCommentAt = (
  text: string,
  from: number,
  comments: ReadonlyMap<number, string>,
): number | undefined => {
  let at = from;
  while (text[at] === ' ' || text[at] === '\t') at++;
  return comments.has(at) ? at : undefined;
};

/** Past `|` or `>` and its chomping/indentation indicators: where a block header's comment may start. */
export const afterBlockIndicators = (text: string, start: number): number => {
  let at = start + 1;
  while (/[-+0-9]/.test(text[at] ?? '')) at++;
  return at;
};

/** `- ` (one dash: `- - x` belongs to the outer item), then optional anchor and tag, then the scalar. */
const ITEM_PREFIX = /^[ \t]*-[ \t]+(?:[&!][^ \t]*[ \t]+)*$/;

/**
 * The comment alone on the line directly above a `- scalar` line. go-yaml hands kyaml the whole run
 * of comment lines above a node as one head comment, which only parses as a marker when the run is
 * a single line; a blank line in between detaches it.
 */
export const headCommentAbove = (
  text: string,
  start: number,
  comments: ReadonlyMap<number, string>,
): number | undefined => {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (lineStart === 0 || !ITEM_PREFIX.test(text.slice(lineStart, start))) return undefined;
  const above = commentFillingLineBefore(text, lineStart, comments);
  if (above === undefined) return undefined;
  const commentLineStart = text.lastIndexOf('\n', above - 1) + 1;
  const runsLonger =
    commentLineStart > 0 && commentFillingLineBefore(text, commentLineStart, comments) !== undefined;
  return runsLonger ? undefined : above;
};

/** The comment that fills the line ending just before `lineStart`, if that line holds only a comment. */
const commentFillingLineBefore = (
  text: string,
  lineStart: number,
  comments: ReadonlyMap<number, string>,
): number | undefined => {
  let at = text.lastIndexOf('\n', lineStart - 2) + 1;
  while (text[at] === ' ' || text[at] === '\t') at++;
  return at < lineStart - 1 && comments.has(at) ? at : undefined;
};
