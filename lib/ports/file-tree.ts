/**
 * A tree of files the marker rewriter walks: a local directory (the `rewrite` command) or a Git
 * workspace (reconcile). Paths are relative to the tree's root with forward slashes; an
 * implementation never reads or writes outside that root.
 */

export interface TreeFile {
  /** Path relative to the root, forward slashes, no leading './'. */
  readonly path: string;
  readonly size?: number;
}

export interface FileTree {
  /** Regular files under `dir` ('' = the root), recursively, sorted by path. Symlinks that leave the root are skipped. */
  listFiles(dir: string): Promise<TreeFile[]>;
  readFile(path: string): Promise<Uint8Array>;
  /** Replaces an existing file's content (atomically where the medium allows). */
  writeFile(path: string, content: Uint8Array): Promise<void>;
  /**
   * Optional screening: of `paths`, those whose bytes may contain `token` — a superset is allowed,
   * a subset never. A tree that already knows its contents (the Git workspace searched every blob
   * while indexing its clone) answers without reading, so a scan reads only the files that can match.
   */
  pathsContaining?(paths: readonly string[], token: string): Promise<ReadonlySet<string>>;
}
