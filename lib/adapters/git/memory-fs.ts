import { Buffer } from 'node:buffer';
import { type DirEntry, type Entry, type FileEntry, MemoryStats } from './memory-fs-entry.ts';
import { fsError, nameOf, normalise, parentOf } from './memory-fs-path.ts';

export { MemoryStats } from './memory-fs-entry.ts';

/**
 * A minimal in-memory filesystem with the promise-style subset isomorphic-git calls (see its
 * `src/models/FileSystem.js`): clones live in the Lambda's heap instead of /tmp, and disposing a
 * workspace is dropping a Map. Entries are kept in one flat Map keyed by normalised absolute path,
 * so every lookup is O(1); directories remember their children for readdir/rmdir.
 *
 * Deliberate limits (isomorphic-git never needs more inside a gitdir): symlinks are followed only
 * in the last path component, there are no hard links, permissions are recorded but not enforced.
 */

type ReadOptions =
  | BufferEncoding
  | 'buffer'
  | { encoding?: BufferEncoding | 'buffer' | null }
  | null
  | undefined;
type WriteOptions = BufferEncoding | { encoding?: BufferEncoding | null; mode?: number } | null | undefined;

const maxSymlinkHops = 40;

export interface MemoryFs {
  readFile(path: string, options?: ReadOptions): Promise<Buffer | string>;
  writeFile(path: string, data: string | Uint8Array, options?: WriteOptions): Promise<void>;
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string, options?: number | { recursive?: boolean; mode?: number }): Promise<void>;
  rmdir(path: string): Promise<void>;
  /** Like `fs.promises.rm`; isomorphic-git uses it for recursive removal when present. */
  rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void>;
  stat(path: string): Promise<MemoryStats>;
  lstat(path: string): Promise<MemoryStats>;
  readlink(path: string, options?: ReadOptions): Promise<Buffer | string>;
  symlink(target: string, path: string): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** Entries and bytes held, for tests and memory budgeting. */
  usage(): { files: number; directories: number; bytes: number };
  /** Drops everything (the root stays). */
  clear(): void;
}

const encodingOf = (options: ReadOptions | WriteOptions): BufferEncoding | 'buffer' | null | undefined =>
  typeof options === 'string' ? options : options?.encoding;

const toBytes = (data: string | Uint8Array, options: WriteOptions): Uint8Array => {
  if (typeof data === 'string')
    return Buffer.from(data, (encodingOf(options) as BufferEncoding | null) ?? 'utf8');
  // Copy: like a real disk, later changes to the caller's buffer must not change the file.
  return new Uint8Array(data);
};

const fromBytes = (bytes: Uint8Array, options: ReadOptions): Buffer | string => {
  const encoding = encodingOf(options);
  // Copy on read as well, so a caller mutating the result cannot corrupt the stored object.
  const copy = Buffer.from(bytes);
  return encoding && encoding !== 'buffer' ? copy.toString(encoding) : copy;
};

export const createMemoryFs = (): MemoryFs => {
  let nextIno = 1;
  const entries = new Map<string, Entry>();
  const newDir = (mode = 0o755): DirEntry => ({
    kind: 'dir',
    ino: nextIno++,
    mode,
    mtimeMs: Date.now(),
    children: new Set(),
  });
  entries.set('/', newDir());

  /** ENOTDIR when an ancestor is a file (as Node reports), ENOENT otherwise. */
  const missing = (path: string, syscall: string): NodeJS.ErrnoException => {
    for (let dir = parentOf(path); dir !== '/'; dir = parentOf(dir)) {
      const entry = entries.get(dir);
      if (entry) return fsError(entry.kind === 'dir' ? 'ENOENT' : 'ENOTDIR', syscall, path);
    }
    return fsError('ENOENT', syscall, path);
  };

  const lookup = (path: string, syscall: string, follow: boolean): [string, Entry] => {
    let current = normalise(path, syscall);
    for (let hops = 0; ; hops++) {
      const entry = entries.get(current);
      if (!entry) throw missing(current, syscall);
      if (!follow || entry.kind !== 'symlink') return [current, entry];
      if (hops >= maxSymlinkHops) throw fsError('ELOOP', syscall, path);
      current = normalise(
        entry.target.startsWith('/') ? entry.target : `${parentOf(current)}/${entry.target}`,
        syscall,
      );
    }
  };

  /** The directory a new entry goes into; throws like Node when it is missing or not a directory. */
  const parentDir = (path: string, syscall: string): DirEntry => {
    const parent = entries.get(parentOf(path));
    if (!parent) throw missing(path, syscall);
    if (parent.kind !== 'dir') throw fsError('ENOTDIR', syscall, path);
    return parent;
  };

  const link = (path: string, entry: Entry, syscall: string): void => {
    parentDir(path, syscall).children.add(nameOf(path));
    entries.set(path, entry);
  };

  const unlinkEntry = (path: string): void => {
    entries.delete(path);
    (entries.get(parentOf(path)) as DirEntry | undefined)?.children.delete(nameOf(path));
  };

  const memoryFsReadFile = async (path: string, options?: ReadOptions) => {
    const [, entry] = lookup(path, 'open', true);
    if (entry.kind !== 'file') throw fsError('EISDIR', 'read', path);
    return fromBytes(entry.data, options);
  };

  const memoryFsWriteFile = async (path: string, data: string | Uint8Array, options?: WriteOptions) => {
    const target = normalise(path, 'open');
    const existing = entries.get(target);
    const mode = typeof options === 'object' && options?.mode !== undefined ? options.mode & 0o7777 : 0o644;
    if (existing?.kind === 'dir') throw fsError('EISDIR', 'open', path);
    if (existing?.kind === 'file') {
      existing.data = toBytes(data, options);
      existing.mtimeMs = Date.now();
      return;
    }
    if (existing?.kind === 'symlink') {
      // Writing through a symlink writes its target, as Node does.
      const [resolved] = lookup(target, 'open', true);
      return memoryFsWriteFile(resolved, data, options);
    }
    const entry: FileEntry = {
      kind: 'file',
      ino: nextIno++,
      mode,
      mtimeMs: Date.now(),
      data: toBytes(data, options),
    };
    link(target, entry, 'open');
  };

  const memoryFsUnlink = async (path: string) => {
    const [target, entry] = lookup(path, 'unlink', false);
    if (entry.kind === 'dir') throw fsError('EISDIR', 'unlink', path);
    unlinkEntry(target);
  };

  const memoryFsReaddir = async (path: string) => {
    const [, entry] = lookup(path, 'scandir', true);
    if (entry.kind !== 'dir') throw fsError('ENOTDIR', 'scandir', path);
    return [...entry.children].sort();
  };

  const memoryFsMkdir = async (path: string, options?: number | { recursive?: boolean; mode?: number }) => {
    const target = normalise(path, 'mkdir');
    const recursive = typeof options === 'object' && options.recursive === true;
    const mode = (typeof options === 'number' ? options : options?.mode) ?? 0o755;
    const existing = entries.get(target);
    if (existing) {
      if (recursive && existing.kind === 'dir') return;
      throw fsError('EEXIST', 'mkdir', path);
    }
    if (recursive && !entries.has(parentOf(target))) await memoryFsMkdir(parentOf(target), options);
    link(target, newDir(mode & 0o7777), 'mkdir');
  };

  const memoryFsRmdir = async (path: string) => {
    const [target, entry] = lookup(path, 'rmdir', false);
    if (entry.kind !== 'dir') throw fsError('ENOTDIR', 'rmdir', path);
    if (entry.children.size > 0) throw fsError('ENOTEMPTY', 'rmdir', path);
    if (target === '/') throw fsError('EBUSY', 'rmdir', path);
    unlinkEntry(target);
  };

  const memoryFsRm = async (path: string, options?: { recursive?: boolean; force?: boolean }) => {
    const target = normalise(path, 'rm');
    const entry = entries.get(target);
    if (!entry) {
      if (options?.force) return;
      throw missing(target, 'rm');
    }
    if (entry.kind === 'dir') {
      if (!options?.recursive) throw fsError('EISDIR', 'rm', path);
      for (const child of [...entry.children])
        await memoryFsRm(`${target === '/' ? '' : target}/${child}`, options);
      if (target !== '/') unlinkEntry(target);
      return;
    }
    unlinkEntry(target);
  };

  const memoryFsStat = async (path: string) => new MemoryStats(lookup(path, 'stat', true)[1]);
  const memoryFsLstat = async (path: string) => new MemoryStats(lookup(path, 'lstat', false)[1]);

  const memoryFsReadlink = async (path: string, options?: ReadOptions) => {
    const [, entry] = lookup(path, 'readlink', false);
    if (entry.kind !== 'symlink') throw fsError('EINVAL', 'readlink', path);
    const encoding = encodingOf(options);
    return encoding === 'buffer' ? Buffer.from(entry.target) : entry.target;
  };

  const memoryFsSymlink = async (target: string, path: string) => {
    const at = normalise(path, 'symlink');
    if (entries.has(at)) throw fsError('EEXIST', 'symlink', path);
    link(at, { kind: 'symlink', ino: nextIno++, mode: 0o777, mtimeMs: Date.now(), target }, 'symlink');
  };

  const memoryFsChmod = async (path: string, mode: number) => {
    const [, entry] = lookup(path, 'chmod', true);
    entry.mode = mode & 0o7777;
  };

  const memoryFsUsage = () => {
    let files = 0;
    let directories = 0;
    let bytes = 0;
    for (const entry of entries.values()) {
      if (entry.kind === 'dir') directories++;
      else files++;
      if (entry.kind === 'file') bytes += entry.data.byteLength;
    }
    return { files, directories, bytes };
  };

  const memoryFsClear = () => {
    entries.clear();
    entries.set('/', newDir());
  };

  return {
    readFile: memoryFsReadFile,
    writeFile: memoryFsWriteFile,
    unlink: memoryFsUnlink,
    readdir: memoryFsReaddir,
    mkdir: memoryFsMkdir,
    rmdir: memoryFsRmdir,
    rm: memoryFsRm,
    stat: memoryFsStat,
    lstat: memoryFsLstat,
    readlink: memoryFsReadlink,
    symlink: memoryFsSymlink,
    chmod: memoryFsChmod,
    usage: memoryFsUsage,
    clear: memoryFsClear,
  };
};
