/** The nodes of the in-memory filesystem (memory-fs.ts) and what `stat` reports about them. */

export interface EntryBase {
  readonly ino: number;
  mode: number;
  mtimeMs: number;
}
export interface FileEntry extends EntryBase {
  readonly kind: 'file';
  data: Uint8Array;
}
export interface DirEntry extends EntryBase {
  readonly kind: 'dir';
  readonly children: Set<string>;
}
export interface LinkEntry extends EntryBase {
  readonly kind: 'symlink';
  readonly target: string;
}
export type Entry = FileEntry | DirEntry | LinkEntry;

const typeBits = { file: 0o100000, dir: 0o040000, symlink: 0o120000 } as const;

/** What `stat`/`lstat` return: the fields isomorphic-git's `normalizeStats` reads. */
export class MemoryStats {
  readonly dev = 1;
  readonly uid = 0;
  readonly gid = 0;
  readonly ino: number;
  readonly mode: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly #kind: Entry['kind'];

  constructor(entry: Entry) {
    this.#kind = entry.kind;
    this.ino = entry.ino;
    this.mode = typeBits[entry.kind] | entry.mode;
    this.size =
      entry.kind === 'file' ? entry.data.byteLength : entry.kind === 'symlink' ? entry.target.length : 4096;
    this.mtimeMs = entry.mtimeMs;
    this.ctimeMs = entry.mtimeMs;
  }
  isFile(): boolean {
    return this.#kind === 'file';
  }
  isDirectory(): boolean {
    return this.#kind === 'dir';
  }
  isSymbolicLink(): boolean {
    return this.#kind === 'symlink';
  }
}
