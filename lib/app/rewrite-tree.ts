import type { Change } from '../domain/changes.ts';
import { containsMarkerToken, isCandidatePath, MARKER_TOKEN } from '../domain/markers/candidate-file.ts';
import { type MarkerWarning, rewriteMarkers } from '../domain/markers/rewrite-markers.ts';
import { safeRelativePath } from '../domain/markers/safe-path.ts';
import type { SetterTable } from '../domain/markers/setters.ts';
import type { FileTree } from '../ports/file-tree.ts';

export const rewriteTreeDefaults = Object.freeze({
  /** Files read at once: enough to hide per-file latency, few enough to bound memory. */
  readAhead: 8,
  /**
   * Marked files larger than this are left as is, with a warning. Parsing YAML costs ~50× its size
   * in memory: one 50 MB file took 2.9 GB and 30 s, enough to kill a worker. A manifest is kilobytes
   * (the configuration reader refuses the same size).
   */
  maxFileBytes: 10 * 1024 * 1024,
});

export interface RewriteTreeOptions {
  /** Directory (or single file) to scan, relative to the tree root (`spec.update.path`); default: the root. */
  readonly path?: string;
  /** See rewriteTreeDefaults.maxFileBytes. */
  readonly maxFileBytes?: number;
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
 * are parsed and rewritten in place; unparsable, non-UTF-8 or oversized ones are skipped with a warning.
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
  const maxFileBytes = options.maxFileBytes ?? rewriteTreeDefaults.maxFileBytes;
  const files = await tree.listFiles(safeRelativePath(options.path ?? ''));
  const candidates = files.map((file) => file.path).filter(isCandidatePath);
  // A tree that screened its contents already (a Git workspace) spares reading the files without the token.
  const screened = tree.pathsContaining ? await tree.pathsContaining(candidates, MARKER_TOKEN) : undefined;
  const toRead = screened ? candidates.filter((path) => screened.has(path)) : candidates;
  const changes: Change[] = [];
  const warnings: MarkerWarning[] = [];
  const writes: { path: string; content: Uint8Array }[] = [];
  // Reads overlap (a directory tree waits on the disk per file); results are used in path order.
  for (let start = 0; start < toRead.length; start += rewriteTreeDefaults.readAhead) {
    const batch = toRead.slice(start, start + rewriteTreeDefaults.readAhead);
    const contents = await Promise.all(batch.map((path) => tree.readFile(path)));
    for (const [i, path] of batch.entries()) {
      const bytes = contents[i] as Uint8Array;
      if (!containsMarkerToken(bytes)) continue;
      if (bytes.length > maxFileBytes) {
        warnings.push({
          file: path,
          line: 1,
          message: `is ${formatSize(bytes.length)}; files over ${formatSize(maxFileBytes)} are left as is`,
        });
        continue;
      }
      const text = decodeUtf8(bytes);
      if (text === undefined) {
        warnings.push({ file: path, line: 1, message: 'not valid UTF-8, left as is' });
        continue;
      }
      const result = rewriteMarkers(text, setters, { file: path });
      // A loop, not push(...): one file may hold 200,000 markers, beyond the engine's argument limit.
      for (const warning of result.warnings) warnings.push(warning);
      if (result.kind !== 'rewritten') continue;
      for (const change of result.changes) changes.push(change);
      writes.push({ path, content: encoder.encode(result.text) });
    }
  }
  for (const { path, content } of writes) await tree.writeFile(path, content);
  return { changes, warnings, filesChanged: writes.map((write) => write.path) };
};

const encoder = new TextEncoder();

const formatSize = (bytes: number): string =>
  bytes < 1024 * 1024
    ? `${Math.ceil(bytes / 1024)} KiB`
    : `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

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
