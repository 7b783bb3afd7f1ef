import {
  commit as commitTree,
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
import type { CommitSigner } from '../../ports/commit-signer.ts';
import type { TreeFile } from '../../ports/file-tree.ts';
import type { GitSignature, GitWorkspace } from '../../ports/git.ts';
import { redactUrl, translateGitError } from './git-errors.ts';
import { type GitTransportSettings, gitCallTransport } from './git-transport.ts';
import type { PackReader } from './pack-file.ts';
import { remoteCommitShape } from './remote-commit.ts';
import type { RepoStorage } from './repo-storage.ts';
import { createTreeIndex, isRegularFile } from './tree-index.ts';
import { parseTreeObject } from './tree-object.ts';
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
  /** Where requests go when it differs from `url` (an SSH session's routing URL); `url` stays in messages. */
  readonly transportUrl?: string;
  readonly checkoutBranch: string;
  readonly baseBranch: string;
  readonly pushBranch: string;
  readonly baseCommit: string;
  readonly baseTree: string;
  /**
   * The cloned pack, indexed natively (shallow-fetch.ts): the read path (trees, blobs, screening)
   * goes through it; objects it does not hold (written by a commit) go through isomorphic-git.
   */
  readonly pack?: {
    readonly reader: PackReader;
    readonly blobsContaining: ReadonlyMap<string, ReadonlySet<string>>;
  };
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
      read: async (oid) =>
        setup.pack?.reader.has(oid)
          ? parseTreeObject(setup.pack.reader.read(oid).content)
          : (await readTree({ fs, gitdir, oid, cache })).tree,
      write: (entries) => writeTree({ fs, gitdir, tree: entries }),
    },
    setup.baseTree,
  );
  const writes = new Map<string, Uint8Array>();
  let head = setup.baseCommit;
  let headShape = { tree: setup.baseTree, parents: [] as readonly string[] };
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
    // A copy: the pack reader's cache shares its buffers.
    if (setup.pack?.reader.has(oid)) return new Uint8Array(setup.pack.reader.read(oid).content);
    return (await readBlob({ fs, gitdir, oid, cache })).blob;
  };

  /** FileTree.pathsContaining: answered from the ids screened while indexing; anything else is "maybe". */
  const workspacePathsContaining = async (paths: readonly string[], token: string) => {
    usable();
    const screened = setup.pack?.blobsContaining.get(token);
    const bytes = Buffer.from(token);
    const maybe = new Set<string>();
    for (const path of paths) {
      const at = toTreePath(path);
      const written = writes.get(at);
      if (written) {
        if (Buffer.from(written.buffer, written.byteOffset, written.byteLength).indexOf(bytes) !== -1)
          maybe.add(path);
        continue;
      }
      const entry = await tree.entry(at);
      const known = entry && isRegularFile(entry) && screened && setup.pack?.reader.has(entry.oid);
      if (!known || screened.has(entry.oid)) maybe.add(path);
    }
    return maybe;
  };

  const workspaceWriteFile = async (path: string, content: Uint8Array): Promise<void> => {
    usable();
    const at = toTreePath(path);
    if (at === '') throw new InvalidInputError('cannot write the repository root');
    await regularFile(at); // replacing only: the port never creates files
    writes.set(at, content.slice());
  };

  /** isomorphic-git's `commit` signs through `onSign`; its `signingKey` only has to be truthy, the key stays in the signer. */
  const signedCommit = (
    tree: string,
    parent: string,
    message: string,
    signer: CommitSigner,
    author: GitSignature,
    committer: GitSignature,
  ) =>
    commitTree({
      fs,
      gitdir,
      cache,
      tree,
      parent: [parent],
      message,
      author: toIsoSignature(author),
      committer: toIsoSignature(committer),
      ref: `refs/heads/${setup.pushBranch}`,
      noUpdateBranch: true,
      signingKey: 'held by the signer',
      onSign: async ({ payload }) => ({ signature: await signer.sign(payload) }),
    });

  const workspaceCommit: GitWorkspace['commit'] = async ({ message, author, committer, signer }) => {
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
    const commit = signer
      ? await signedCommit(treeOid, head, message, signer, author, committer ?? author)
      : await writeCommit({
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
    headShape = { tree: treeOid, parents: [head] };
    await writeRef({ fs, gitdir, ref: `refs/heads/${setup.pushBranch}`, value: commit, force: true });
    head = commit;
    writes.clear();
    return commit;
  };

  const workspacePush: GitWorkspace['push'] = async (options = {}) => {
    usable();
    if (head === setup.baseCommit) return; // nothing committed: nothing to send
    const ref = `refs/heads/${setup.pushBranch}`;
    const target = options.branch ?? setup.pushBranch;
    try {
      await push({
        fs,
        gitdir,
        cache,
        url: setup.transportUrl ?? url,
        ref,
        remoteRef: `refs/heads/${target}`,
        // Flux force-pushes when the push branch differs from the checkout branch (flux-semantics §5.5).
        force: options.force ?? target !== setup.checkoutBranch,
        ...gitCallTransport(setup.transport, options.signal),
      });
    } catch (error) {
      throw translateGitError(error, { url, branch: target, operation: 'push' });
    }
  };

  const workspaceEquivalentRemoteCommit: GitWorkspace['equivalentRemoteCommit'] = async (
    branch,
    options = {},
  ) => {
    usable();
    if (head === setup.baseCommit) return null;
    try {
      const remote = await remoteCommitShape({
        fs,
        gitdir,
        cache,
        url: setup.transportUrl ?? url,
        branch,
        have: setup.baseCommit,
        transport: setup.transport,
        signal: options.signal,
      });
      if (!remote) return null;
      const same = remote.tree === headShape.tree && remote.parents.join(' ') === headShape.parents.join(' ');
      return same ? remote.commit : null;
    } catch (error) {
      throw translateGitError(error, { url, branch, operation: 'checkout' });
    }
  };

  const workspaceDispose = async () => {
    if (disposed) return;
    disposed = true;
    writes.clear();
    setup.pack?.reader.dispose();
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
    pathsContaining: workspacePathsContaining,
    writeFile: workspaceWriteFile,
    commit: workspaceCommit,
    push: workspacePush,
    equivalentRemoteCommit: workspaceEquivalentRemoteCommit,
    dispose: workspaceDispose,
  };
};
