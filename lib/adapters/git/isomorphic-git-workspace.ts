import {
  hashBlob,
  push,
  readBlob,
  readTree,
  writeBlob,
  writeCommit,
  writeRef,
  writeTree,
} from 'isomorphic-git';
import { InternalError, InvalidInputError, NotFoundError } from '../../domain/errors.ts';
import type { TreeFile } from '../../ports/file-tree.ts';
import type { GitSignature, GitWorkspace } from '../../ports/git.ts';
import { redactUrl, translateGitError } from './git-errors.ts';
import { type GitTransportSettings, gitCallTransport } from './git-transport.ts';
import type { RepoStorage } from './repo-storage.ts';
import { createTreeIndex, isRegularFile } from './tree-index.ts';
import { toTreePath } from './tree-path.ts';

/**
 * A GitWorkspace over a shallow, checkout-less clone: files are blobs, edits are pending blobs,
 * a commit rewrites only the trees on the changed paths. Nothing ever touches a work tree.
 */

export interface WorkspaceSetup {
  readonly storage: RepoStorage;
  /** isomorphic-git's object cache (pack indexes), shared by every call on this clone. */
  readonly cache: object | undefined;
  readonly transport: GitTransportSettings;
  readonly url: string;
  readonly checkoutBranch: string;
  readonly baseBranch: string;
  readonly pushBranch: string;
  readonly baseCommit: string;
  readonly baseTree: string;
}

const toIsoSignature = (signature: GitSignature) => ({
  name: signature.name,
  email: signature.email,
  timestamp: signature.timestamp,
  timezoneOffset: signature.timezoneOffset ?? 0,
});

export const createIsomorphicGitWorkspace = (setup: WorkspaceSetup): GitWorkspace => {
  const { storage, cache, url } = setup;
  const { fs, gitdir } = storage;
  const tree = createTreeIndex(
    {
      read: async (oid) => (await readTree({ fs, gitdir, oid, cache })).tree,
      write: (entries) => writeTree({ fs, gitdir, tree: entries }),
    },
    setup.baseTree,
  );
  const writes = new Map<string, Uint8Array>();
  let head = setup.baseCommit;
  let disposed = false;
  const safeUrl = redactUrl(url);
  const where = `${safeUrl} (branch ${setup.baseBranch})`;

  const usable = () => {
    if (disposed) throw new InternalError(`workspace for ${setup.pushBranch} used after dispose()`);
  };

  const regularFile = async (path: string) => {
    const entry = await tree.entry(path);
    if (!entry || !isRegularFile(entry)) {
      throw new NotFoundError(`no regular file ${path} in ${where}`, {
        data: { path, url: safeUrl, branch: setup.baseBranch },
      });
    }
    return entry;
  };

  const workspaceListFiles = async (dir: string): Promise<TreeFile[]> => {
    usable();
    const files = await tree.listFiles(toTreePath(dir));
    if (!files) {
      throw new NotFoundError(`no directory ${JSON.stringify(dir)} in ${where}`, {
        data: { path: dir, url: safeUrl, branch: setup.baseBranch },
      });
    }
    return files;
  };

  const workspaceReadFile = async (path: string): Promise<Uint8Array> => {
    usable();
    const at = toTreePath(path);
    const written = writes.get(at);
    if (written) return written.slice();
    const { oid } = await regularFile(at);
    return (await readBlob({ fs, gitdir, oid, cache })).blob;
  };

  const workspaceWriteFile = async (path: string, content: Uint8Array): Promise<void> => {
    usable();
    const at = toTreePath(path);
    if (at === '') throw new InvalidInputError('cannot write the repository root');
    await regularFile(at); // replacing only: the port never creates files
    writes.set(at, content.slice());
  };

  const workspaceCommit: GitWorkspace['commit'] = async ({ message, author, committer }) => {
    usable();
    const changes = new Map<string, Uint8Array>();
    for (const [path, content] of writes) {
      const { oid } = await hashBlob({ object: content });
      if (oid !== (await regularFile(path)).oid) changes.set(path, content);
    }
    if (changes.size === 0) {
      writes.clear();
      return null; // never an empty commit
    }
    const blobs = new Map<string, string>();
    for (const [path, content] of changes) blobs.set(path, await writeBlob({ fs, gitdir, blob: content }));
    const treeOid = await tree.replaceBlobs(blobs);
    const commit = await writeCommit({
      fs,
      gitdir,
      commit: {
        message,
        tree: treeOid,
        parent: [head],
        author: toIsoSignature(author),
        committer: toIsoSignature(committer ?? author),
      },
    });
    await writeRef({ fs, gitdir, ref: `refs/heads/${setup.pushBranch}`, value: commit, force: true });
    head = commit;
    writes.clear();
    return commit;
  };

  const workspacePush: GitWorkspace['push'] = async (options = {}) => {
    usable();
    if (head === setup.baseCommit) return; // nothing committed: nothing to send
    const ref = `refs/heads/${setup.pushBranch}`;
    try {
      await push({
        fs,
        gitdir,
        cache,
        url,
        ref,
        remoteRef: ref,
        // Flux force-pushes when the push branch differs from the checkout branch (flux-semantics §5.5).
        force: options.force ?? setup.pushBranch !== setup.checkoutBranch,
        ...gitCallTransport(setup.transport, options.signal),
      });
    } catch (error) {
      throw translateGitError(error, { url, branch: setup.pushBranch, operation: 'push' });
    }
  };

  const workspaceDispose = async () => {
    if (disposed) return;
    disposed = true;
    writes.clear();
    // The cache holds the pack and its index; a caller keeping the workspace object must not keep those.
    for (const key of Reflect.ownKeys(cache ?? {})) Reflect.deleteProperty(cache ?? {}, key);
    await storage.dispose();
  };

  return {
    baseCommit: setup.baseCommit,
    baseBranch: setup.baseBranch,
    pushBranch: setup.pushBranch,
    listFiles: workspaceListFiles,
    readFile: workspaceReadFile,
    writeFile: workspaceWriteFile,
    commit: workspaceCommit,
    push: workspacePush,
    dispose: workspaceDispose,
  };
};
