import type { Change } from '../domain/changes.ts';
import { containsMarkerToken, isCandidatePath } from '../domain/markers/candidate-file.ts';
import { type MarkerWarning, rewriteMarkers } from '../domain/markers/rewrite-markers.ts';
import { safeRelativePath } from '../domain/markers/safe-path.ts';
import type { SetterTable } from '../domain/markers/setters.ts';
import type { FileTree } from '../ports/file-tree.ts';

export interface RewriteTreeOptions {
  /** Directory (or single file) to scan, relative to the tree root (`spec.update.path`); default: the root. */
  readonly path?: string;
}

export interface RewriteTreeResult {
  /** In file order (sorted paths), then document order. */
  readonly changes: Change[];
  readonly warnings: MarkerWarning[];
  /** Files written, sorted. */
  readonly filesChanged: string[];
}

/**
 * Applies the setters to every marked scalar under `options.path`, as Flux's update step does
 * (flux-semantics §4.3): `.yaml`/`.yml`/`Kustomization` files whose bytes contain `"$imagepolicy"`
 * are parsed and rewritten in place; unparsable or non-UTF-8 ones are skipped with a warning.
 * All new contents are computed before the first write, so a file that fails to read leaves the
 * tree untouched; only files whose text changed are written. Paths in changes and
 * warnings are relative to the tree root.
 *
 * @example
 * const setters = buildSetters([{ namespace: 'apps', name: 'web', latestRef: { name: 'ghcr.io/acme/web', tag: '1.4.0' } }]);
 * const { changes, filesChanged } = await rewriteTree(createDirectoryTree('/work/repo'), setters, { path: './clusters/prod' });
 */
export const rewriteTree = async (
  tree: FileTree,
  setters: SetterTable,
  options: RewriteTreeOptions = {},
): Promise<RewriteTreeResult> => {
  const files = await tree.listFiles(safeRelativePath(options.path ?? ''));
  const changes: Change[] = [];
  const warnings: MarkerWarning[] = [];
  const writes: { path: string; content: Uint8Array }[] = [];
  for (const { path } of files) {
    if (!isCandidatePath(path)) continue;
    const bytes = await tree.readFile(path);
    if (!containsMarkerToken(bytes)) continue;
    const text = decodeUtf8(bytes);
    if (text === undefined) {
      warnings.push({ file: path, line: 1, message: 'not valid UTF-8, left as is' });
      continue;
    }
    const result = rewriteMarkers(text, setters, { file: path });
    warnings.push(...result.warnings);
    if (result.kind !== 'rewritten') continue;
    changes.push(...result.changes);
    writes.push({ path, content: encoder.encode(result.text) });
  }
  for (const { path, content } of writes) await tree.writeFile(path, content);
  return { changes, warnings, filesChanged: writes.map((write) => write.path) };
};

const encoder = new TextEncoder();

/**
 * Strict decoding that keeps a BOM in the text: any lossy step here (replacement characters,
 * a dropped BOM) would change bytes outside the rewritten scalars when the file is written back.
 */
const decodeUtf8 = (bytes: Uint8Array): string | undefined => {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
};
