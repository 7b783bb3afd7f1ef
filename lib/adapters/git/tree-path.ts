import { InvalidConfigError } from '../../domain/errors.ts';
import { safeRelativePath } from '../../domain/markers/safe-path.ts';

/**
 * A caller's path as a Git tree path ('' = the root), by the same rules as every FileTree
 * (safeRelativePath: relative, never above the root). Also refuses '.git' segments: a tree holding
 * '.git' is one git itself rejects (fsck, checkout), so no edit of ours may create or read one.
 */
export const toTreePath = (path: string): string => {
  const treePath = safeRelativePath(path);
  if (treePath.split('/').some((segment) => segment.toLowerCase() === '.git')) {
    throw new InvalidConfigError(`path "${path}" is inside .git`, { data: { path } });
  }
  return treePath;
};

/** True for a name a tree entry may safely carry (a hostile tree could hold '..' or 'a/b'). */
export const isSafeEntryName = (name: string): boolean =>
  name !== '' && name !== '.' && name !== '..' && !name.includes('/') && name.toLowerCase() !== '.git';

export const parentPath = (path: string): string => {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
};

export const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

export const joinTreePath = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`);
