import { escapeControl } from '../../domain/terminal-text.ts';

/**
 * Aligned columns for terminals (`kubectl get` style): a header row in capitals, two spaces
 * between columns, no trailing spaces, so golden tests compare exact text. Cells hold registry and
 * repository text: every control character is escaped here, once for every table.
 */
export const renderTable = (headers: readonly string[], rawRows: readonly (readonly string[])[]): string => {
  const rows = rawRows.map((row) => row.map(escapeControl));
  const widths = headers.map((header, i) =>
    rows.reduce((widest, row) => Math.max(widest, (row[i] ?? '').length), header.length),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].map((l) => `${l}\n`).join('');
};

/** `45s ago`, `3m ago`, `2h ago`, `4d ago`: the largest whole unit, enough to spot what is stale. */
export const formatAge = (seconds: number): string => {
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
};

/** `tag@sha256:0123456789ab`: the digest shortened to 12 hex digits, as container tools print it. */
export const shortRef = (ref: { readonly tag: string; readonly digest?: string } | undefined): string => {
  if (!ref) return '-';
  if (!ref.digest) return ref.tag;
  const [algorithm, hex = ''] = ref.digest.split(':');
  return `${ref.tag}@${algorithm}:${hex.slice(0, 12)}`;
};

/** One line, whatever the message holds. */
export const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ');
