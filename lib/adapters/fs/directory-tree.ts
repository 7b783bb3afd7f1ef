import { randomBytes } from 'node:crypto';
import { type Dirent, constants as fsConstants, readdirSync } from 'node:fs';
import { lstat, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { InvalidInputError, NotFoundError } from '../../domain/errors.ts';
import { safeRelativePath } from '../../domain/markers/safe-path.ts';
import type { FileTree, TreeFile } from '../../ports/file-tree.ts';
import { screenFiles } from './screen-files.ts';

/**
 * A FileTree over a local directory (the `rewrite` command, tests). It walks like Flux's screening
 * reader (flux-semantics §4.3): every directory, hidden ones included, except `.git`; directory
 * symlinks are not followed. A file symlink is followed only when its real path stays inside the
 * root, and reads and writes check the same, so nothing outside the root is ever read or written.
 * Writes are atomic: a temporary file beside the real target, given the target's mode, renamed
 * over it (through a symlink, the target is what gets replaced; the link stays a link).
 */
export const createDirectoryTree = (root: string): FileTree => {
  let realRoot: Promise<string> | undefined;
  const rootReal = () => {
    realRoot ??= realpath(root).catch((error: unknown) => {
      throw notFoundOr(error, root);
    });
    return realRoot;
  };

  // Regular files seen by the last listing: inside the root by construction (no symlink on the way).
  const plainFiles = new Set<string>();

  const isInside = (base: string, real: string) => {
    const rel = relative(base, real);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  };

  /** Real path of a tree path, refusing anything that resolves outside the root. */
  const resolveInside = async (path: string): Promise<{ base: string; real: string }> => {
    const base = await rootReal();
    const real = await realpath(join(base, path)).catch((error: unknown) => {
      throw notFoundOr(error, path);
    });
    if (!isInside(base, real)) throw new InvalidInputError(`"${path}" leaves the tree`, { data: { path } });
    return { base, real };
  };

  const walk = async (absolute: string, prefix: string, base: string, out: TreeFile[]): Promise<void> => {
    // Synchronous: thousands of small directories list several times faster without thread-pool hops.
    const entries: Dirent[] = readdirSync(absolute, { withFileTypes: true });
    for (const entry of entries) {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      const entryPath = join(absolute, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git') await walk(entryPath, path, base, out);
      } else if (entry.isFile()) {
        plainFiles.add(path);
        out.push({ path });
      } else if (entry.isSymbolicLink() && (await isFileInside(entryPath, base))) {
        out.push({ path });
      }
    }
  };

  /** A symlink counts when it ends at a regular file inside the root; dangling links and loops do not. */
  const isFileInside = async (link: string, base: string): Promise<boolean> => {
    try {
      const real = await realpath(link);
      return isInside(base, real) && (await stat(real)).isFile();
    } catch {
      return false;
    }
  };

  /** The real file to replace: a symlink's target, or a new file in a directory inside the root. */
  const writeTarget = async (path: string): Promise<string> => {
    try {
      return (await resolveInside(path)).real;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // A dangling symlink must not be silently replaced by a regular file.
      if (await exists(join(await rootReal(), path))) {
        throw new InvalidInputError(`"${path}" is a dangling symlink`, { data: { path } });
      }
      const parent = dirname(path);
      return join((await resolveInside(parent === '.' ? '' : parent)).real, basename(path));
    }
  };

  const readTreeFile = async (path: string): Promise<Uint8Array> => {
    const { real } = await resolveInside(requireFilePath(path));
    return new Uint8Array(await readFile(real));
  };

  return {
    async listFiles(dir) {
      const start = safeRelativePath(dir);
      const { base, real } = await resolveInside(start);
      const info = await stat(real);
      // A single file is a valid scan root, as `update.path` may name one.
      if (!info.isDirectory()) return info.isFile() ? [{ path: start }] : [];
      const out: TreeFile[] = [];
      await walk(real, start, base, out);
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },

    async pathsContaining(paths, token) {
      const base = await rootReal();
      const plain = paths.filter((path) => plainFiles.has(path));
      const { containing, unscreened } = await screenFiles(base, plain, token);
      const needle = Buffer.from(token);
      // Symlinked files, and anything that changed since it was listed, go through the checked read.
      for (const path of [...paths.filter((p) => !plainFiles.has(p)), ...unscreened]) {
        const bytes = await readTreeFile(path).catch(() => undefined);
        if (bytes && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(needle))
          containing.add(path);
      }
      return containing;
    },

    readFile: readTreeFile,

    async writeFile(path, content) {
      const target = await writeTarget(requireFilePath(path));
      const existing = await stat(target).catch(() => undefined);
      if (existing && !existing.isFile())
        throw new InvalidInputError(`"${path}" is not a file`, { data: { path } });
      const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
      // A new file gets the umask-filtered default mode; a replaced one keeps its exact mode.
      const handle = await open(
        temp,
        fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL,
        existing ? 0o600 : 0o666,
      );
      try {
        await handle.writeFile(content);
        if (existing) await handle.chmod(existing.mode & 0o7777);
        await handle.sync();
        await handle.close();
        await rename(temp, target);
      } catch (error) {
        await handle.close().catch(() => undefined);
        await unlink(temp).catch(() => undefined);
        throw error;
      }
    },
  };
};

const requireFilePath = (path: string): string => {
  const normalised = safeRelativePath(path);
  if (normalised === '')
    throw new InvalidInputError('a file path is required, not the tree root', { data: { path } });
  return normalised;
};

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );

const notFoundOr = (error: unknown, path: string): unknown =>
  ['ENOENT', 'ENOTDIR'].includes(String((error as { code?: unknown }).code))
    ? new NotFoundError(`"${path}" does not exist in the tree`, { cause: error, data: { path } })
    : error;
