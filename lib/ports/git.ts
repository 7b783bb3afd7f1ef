import type { CommitSigner } from './commit-signer.ts';
import type { FileTree } from './file-tree.ts';

/**
 * The Git side: a shallow checkout of one branch that can be edited, committed and pushed.
 * Implementations edit blobs and trees directly (no work tree) where they can.
 */

export type GitCredentials =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string }
  | SshCredentials;

/**
 * An `ssh://` GitRepository's Secret as Flux reads it: `identity` (OpenSSH or PEM private key),
 * optional `password` (decrypts the identity), and `known_hosts` (required: host keys are always
 * verified). The user is the URL's.
 */
export interface SshCredentials {
  readonly kind: 'ssh';
  readonly identity: string;
  readonly password?: string;
  readonly knownHosts: string;
}

export interface GitSignature {
  readonly name: string;
  readonly email: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  /** Minutes, as isomorphic-git counts them (UTC = 0). */
  readonly timezoneOffset?: number;
}

export interface CheckoutOptions {
  readonly url: string;
  readonly credentials: GitCredentials;
  /** Branch to clone (the checkout branch). */
  readonly branch: string;
  /**
   * Branch the commit will be pushed to. When it differs from `branch` and exists on the remote,
   * the workspace starts from the push branch's head; otherwise from the checkout branch (Flux semantics).
   */
  readonly pushBranch?: string;
  readonly signal?: AbortSignal;
}

/**
 * @example
 * const ws = await git.checkout({ url, credentials, branch: 'main' });
 * try {
 *   for (const f of await ws.listFiles('clusters/prod')) { … await ws.writeFile(f.path, bytes) }
 *   const sha = await ws.commit({ message, author });
 *   if (sha) await ws.push();
 * } finally { await ws.dispose(); }
 */
export interface GitWorkspace extends FileTree {
  /** Commit the workspace started from. */
  readonly baseCommit: string;
  /** Branch the workspace started from (the push branch when it already existed). */
  readonly baseBranch: string;
  /** Branch `push()` writes. */
  readonly pushBranch: string;
  // listFiles / readFile / writeFile from FileTree: regular files only (no symlinks, no submodules);
  // writeFile replaces an existing blob and keeps its mode.
  /** Commits the written files; returns the new commit id, or null when nothing differs from the base (never an empty commit). */
  commit(options: {
    message: string;
    author: GitSignature;
    committer?: GitSignature;
    /** Signs the commit (OpenPGP `gpgsig` header). */
    signer?: CommitSigner;
  }): Promise<string | null>;
  /**
   * Pushes the commit, to `branch` when given (default `pushBranch`). Throws ConflictError when the
   * remote moved (non-fast-forward or ref update refused).
   */
  push(options?: { force?: boolean; signal?: AbortSignal; branch?: string }): Promise<void>;
  /**
   * The head of the remote `branch` when it already holds what the last `commit()` made: the same
   * tree on the same parents. Null when the branch is absent or differs. A push branch rebuilt on
   * every run uses it to leave an unchanged branch (and its pull request's CI) alone.
   */
  equivalentRemoteCommit(branch: string, options?: { signal?: AbortSignal }): Promise<string | null>;
  /** Frees memory and scratch space. Safe to call twice. */
  dispose(): Promise<void>;
}

export interface GitClient {
  checkout(options: CheckoutOptions): Promise<GitWorkspace>;
  /**
   * The commit a remote branch points at, or null when the branch does not exist: one ref
   * advertisement, no objects. Lets a run that has nothing new skip the clone (Flux's optimisation).
   */
  remoteHead(options: {
    readonly url: string;
    readonly credentials: GitCredentials;
    readonly branch: string;
    readonly signal?: AbortSignal;
  }): Promise<string | null>;
}
