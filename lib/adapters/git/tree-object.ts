import type { TreeEntry } from 'isomorphic-git';

/** Git tree objects (gitformat-object: "<mode> <name>", NUL, a 20-byte id; repeated), as our pack reader yields them. */

const MODES: Readonly<Record<string, { mode: string; type: TreeEntry['type'] }>> = {
  '40000': { mode: '040000', type: 'tree' },
  '040000': { mode: '040000', type: 'tree' },
  '100644': { mode: '100644', type: 'blob' },
  '100755': { mode: '100755', type: 'blob' },
  '120000': { mode: '120000', type: 'blob' },
  '160000': { mode: '160000', type: 'commit' },
};

/**
 * A tree object's entries as isomorphic-git's readTree gives them (modes normalised, `040000` for
 * trees). Names are returned as stored; callers skip unsafe ones (tree-index.ts). Unknown modes
 * (old git wrote `100664`) are read as what git itself reads them as.
 */
export const parseTreeObject = (content: Buffer): TreeEntry[] => {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > content.length) throw new Error('malformed tree object');
    const raw = content.toString('latin1', at, space);
    const known =
      MODES[raw] ??
      (raw.startsWith('4') || raw.startsWith('04')
        ? MODES['40000']
        : raw.startsWith('1007')
          ? MODES['100755']
          : raw.startsWith('10')
            ? MODES['100644']
            : undefined);
    if (!known) throw new Error(`malformed tree object: mode ${raw}`);
    entries.push({
      mode: known.mode,
      type: known.type,
      path: content.toString('utf8', space + 1, nul),
      oid: content.toString('hex', nul + 1, nul + 21),
    });
    at = nul + 21;
  }
  return entries;
};
