import type { CST } from 'yaml';

/**
 * Every comment in a YAML stream, by the offset of its `#`, from the parser's concrete syntax tree.
 * Reading comments from the CST rather than from the composed nodes matters for byte-exact work:
 * the `yaml` package merges adjacent comment lines and moves comments between nodes when it builds
 * documents, while the CST keeps each comment token where it was written, one per line, and tells
 * a real comment apart from `#` text inside a block scalar or a quoted string.
 */
export const collectComments = (tokens: readonly CST.Token[]): Map<number, string> => {
  const comments = new Map<number, string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const token = value as { type?: unknown; offset?: unknown; source?: unknown };
    if (token.type === 'comment' && typeof token.offset === 'number' && typeof token.source === 'string') {
      comments.set(token.offset, token.source);
      return;
    }
    for (const child of Object.values(value)) visit(child);
  };
  visit(tokens);
  return comments;
};

/** 1-based line of an offset; lines end at `\n` (CRLF included). */
export const createLineIndex = (text: string): ((offset: number) => number) => {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
};
