import * as nodeFs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FsClient } from 'isomorphic-git';
import { createMemoryFs } from './memory-fs.ts';

/** Where one workspace's object store lives: the heap (Lambda, no tmpfs) or a scratch directory. */
export type RepoStorageOption = 'memory' | { readonly dir: string };

export interface RepoStorage {
  readonly fs: FsClient;
  /** The git directory (bare layout: there is never a work tree). */
  readonly gitdir: string;
  /** Frees the memory or removes the directory. Safe to call twice. */
  dispose(): Promise<void>;
}

export const openRepoStorage = async (option: RepoStorageOption): Promise<RepoStorage> => {
  if (option === 'memory') {
    const fs = createMemoryFs();
    return { fs, gitdir: '/repo.git', dispose: async () => fs.clear() };
  }
  const gitdir = await mkdtemp(join(option.dir, 'ia-git-'));
  return { fs: nodeFs, gitdir, dispose: () => rm(gitdir, { recursive: true, force: true }) };
};
