import type { TreeEntry } from 'isomorphic-git';
import { InternalError } from '../../domain/errors.ts';
import type { TreeFile } from '../../ports/file-tree.ts';
import { baseName, isSafeEntryName, joinTreePath, parentPath } from './tree-path.ts';

/**
 * A commit's trees, loaded lazily and edited in place: only the directories a caller visits are
 * read, each at most once; a commit rewrites only the trees on the changed paths (a one-file bump
 * in a 20,000-file repository writes one blob and a handful of trees).
 */

export const treeModes = {
  tree: '040000',
  file: '100644',
  executable: '100755',
  symlink: '120000',
  gitlink: '160000',
} as const;

/** Regular files only: symlinks (120000) and submodules (160000) are never read or written. */
export const isRegularFile = (entry: TreeEntry): boolean =>
  entry.mode === treeModes.file || entry.mode === treeModes.executable;

export interface TreeStore {
  read(oid: string): Promise<TreeEntry[]>;
  write(entries: TreeEntry[]): Promise<string>;
}

export interface TreeIndex {
  /** The root tree as of the last `replaceBlobs` (initially the commit's tree). */
  readonly rootOid: string;
  /** The entry at a tree path, or undefined. */
  entry(path: string): Promise<TreeEntry | undefined>;
  /** Regular files under `dir`, sorted by path (`dir` itself when it is a file); undefined when nothing is there. */
  listFiles(dir: string): Promise<TreeFile[] | undefined>;
  /** Points existing blob entries (path → new blob id) at new content, keeping modes; resolves the new root tree. */
  replaceBlobs(changes: ReadonlyMap<string, string>): Promise<string>;
}

interface LoadedTree {
  readonly entries: readonly TreeEntry[];
  readonly byName: ReadonlyMap<string, TreeEntry>;
}

const loadedTree = (entries: readonly TreeEntry[]): LoadedTree => ({
  entries,
  byName: new Map(entries.map((entry) => [entry.path, entry])),
});

const depth = (dir: string): number => (dir === '' ? 0 : dir.split('/').length);
const byPath = (a: TreeFile, b: TreeFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export const createTreeIndex = (store: TreeStore, initialRootOid: string): TreeIndex => {
  let rootOid = initialRootOid;
  // Promises, so concurrent walkers share one read of each tree.
  const trees = new Map<string, Promise<LoadedTree | undefined>>();

  const load = (dir: string, read: () => Promise<LoadedTree | undefined>) => {
    const pending = read();
    trees.set(dir, pending);
    pending.catch(() => trees.delete(dir)); // a failed read is retried by the next caller
    return pending;
  };

  const treeAt = (dir: string): Promise<LoadedTree | undefined> =>
    trees.get(dir) ??
    load(dir, async () => {
      if (dir === '') return loadedTree(await store.read(rootOid));
      const entry = await entryAt(dir);
      return entry?.mode === treeModes.tree ? loadedTree(await store.read(entry.oid)) : undefined;
    });

  const entryAt = async (path: string): Promise<TreeEntry | undefined> =>
    (await treeAt(parentPath(path)))?.byName.get(baseName(path));

  const treeIndexListFiles = async (dir: string): Promise<TreeFile[] | undefined> => {
    if (!(await treeAt(dir))) {
      // Like the directory FileTree: a file is a valid scan root (`update.path` may name one).
      const entry = dir === '' ? undefined : await entryAt(dir);
      if (!entry) return undefined;
      return isRegularFile(entry) ? [{ path: dir }] : [];
    }
    const files: TreeFile[] = [];
    const walk = async (at: string): Promise<void> => {
      const tree = await treeAt(at);
      await Promise.all(
        (tree?.entries ?? []).map(async (entry) => {
          if (!isSafeEntryName(entry.path)) return;
          const path = joinTreePath(at, entry.path);
          if (entry.mode === treeModes.tree) await walk(path);
          else if (isRegularFile(entry)) files.push({ path });
        }),
      );
    };
    await walk(dir);
    return files.sort(byPath);
  };

  const treeIndexReplaceBlobs = async (changes: ReadonlyMap<string, string>): Promise<string> => {
    const updates = new Map<string, Map<string, string>>(); // dir → entry name → new oid
    const update = (path: string, oid: string) => {
      const dir = parentPath(path);
      const names = updates.get(dir) ?? new Map<string, string>();
      names.set(baseName(path), oid);
      updates.set(dir, names);
    };
    for (const [path, oid] of changes) update(path, oid);
    const dirs = new Set<string>();
    for (const dir of updates.keys()) {
      for (let at = dir; !dirs.has(at); at = parentPath(at)) {
        dirs.add(at);
        if (at === '') break;
      }
    }
    // Deepest first, so each parent sees its children's new ids.
    for (const dir of [...dirs].sort((a, b) => depth(b) - depth(a))) {
      const tree = await treeAt(dir);
      if (!tree) throw new InternalError(`no tree at ${JSON.stringify(dir)} while committing`);
      const names = updates.get(dir) ?? new Map<string, string>();
      const entries = tree.entries.map((entry) => {
        const oid = names.get(entry.path);
        return oid === undefined ? entry : { ...entry, oid };
      });
      const oid = await store.write(entries);
      trees.set(dir, Promise.resolve(loadedTree(entries)));
      if (dir === '') rootOid = oid;
      else update(dir, oid);
    }
    return rootOid;
  };

  return {
    get rootOid() {
      return rootOid;
    },
    entry: entryAt,
    listFiles: treeIndexListFiles,
    replaceBlobs: treeIndexReplaceBlobs,
  };
};
