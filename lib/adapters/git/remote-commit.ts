import type { FsClient } from 'isomorphic-git';
import { addRemote, deleteRef, fetch as gitFetch, readCommit, resolveRef, writeRef } from 'isomorphic-git';
import { type GitTransportSettings, gitCallTransport } from './git-transport.ts';

/**
 * Tree and parents of a remote branch head, fetched into the workspace's object store; null when
 * the branch does not exist. Two requests (ref advertisement, upload-pack).
 *
 * Depth 2, not 1: upload-pack without `thin-pack` (isomorphic-git never asks for it) leaves out the
 * objects of a "have" commit only when that commit is connected to what it sends. At depth 1 the
 * branch head is cut from its parent and the whole tree comes again; at depth 2 its parent — the
 * checkout's commit, or an ancestor of it — is part of the walk, and only the changed trees and
 * blobs are sent (test/adapters/git/equivalent-remote-commit.test.ts measures it).
 */
export const remoteCommitShape = async (options: {
  readonly fs: FsClient;
  readonly gitdir: string;
  readonly cache: object | undefined;
  readonly url: string;
  readonly branch: string;
  /** A commit the remote has and the workspace too: announced so the pack holds only what differs. */
  readonly have: string;
  readonly transport: GitTransportSettings;
  readonly signal?: AbortSignal;
}): Promise<{ commit: string; tree: string; parents: readonly string[] } | null> => {
  const { fs, gitdir, cache, url, branch } = options;
  // A checkout may not have recorded the remote (the native shallow fetch does not); fetch needs its refspec.
  await addRemote({ fs, gitdir, remote: 'origin', url, force: true });
  // A single-branch fetch announces as "have" only what the local ref of that name points at, so it
  // is pointed at the checkout's commit for the duration; without it the whole tree comes again.
  const haveRef = `refs/heads/${branch}`;
  const previous = await resolveRef({ fs, gitdir, ref: haveRef }).catch(() => undefined);
  await writeRef({ fs, gitdir, ref: haveRef, value: options.have, force: true });
  try {
    const { fetchHead } = await gitFetch({
      ...gitCallTransport(options.transport, options.signal),
      fs,
      gitdir,
      cache,
      url,
      ref: branch,
      singleBranch: true,
      depth: 2,
      tags: false,
    });
    if (!fetchHead) return null;
    const { commit } = await readCommit({ fs, gitdir, oid: fetchHead, cache });
    return { commit: fetchHead, tree: commit.tree, parents: commit.parent };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'NotFoundError') return null;
    throw error;
  } finally {
    if (previous === undefined) await deleteRef({ fs, gitdir, ref: haveRef });
    else await writeRef({ fs, gitdir, ref: haveRef, value: previous, force: true });
  }
};
