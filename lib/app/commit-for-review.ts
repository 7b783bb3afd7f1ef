import { InvalidConfigError } from '../domain/errors.ts';
import type { CheckoutOptions, GitClient } from '../ports/git.ts';
import type { CommitAttempt } from './commit-with-retry.ts';

/**
 * The push branch of pull-request mode, rebuilt on every run: check out the checkout branch's head,
 * apply, commit, and force-push to the push branch — unless the branch already holds exactly this
 * change on this base, in which case nothing is pushed and the pull request's CI is left alone.
 *
 * Flux builds on an existing push branch (flux-semantics §5.5), which lets it go stale when the base
 * moves (IAC#205); rebuilding keeps one branch, one pull request, always mergeable. A force push
 * cannot lose a race, so there is no retry loop here (writes to one repository are serialised).
 */

export type ReviewCommitOutcome<T> =
  | { kind: 'pushed'; commit: string; branch: string; result: T }
  /** The remote branch already holds this change on this base: `commit` is its head. */
  | { kind: 'unchanged'; commit: string; branch: string; result: T }
  | { kind: 'nothing'; result: T };

export const commitForReview = async <T>(
  git: GitClient,
  checkout: Omit<CheckoutOptions, 'pushBranch'>,
  apply: CommitAttempt<T>,
  pushBranchOf: (result: T) => string,
  /**
   * Whether comparing with the remote branch is worth a fetch: false when the base is known to have
   * moved since the branch was pushed (it cannot be equivalent, and the fetch would carry a whole tree).
   */
  worthComparing: (baseCommit: string) => boolean = () => true,
): Promise<ReviewCommitOutcome<T>> => {
  // No pushBranch: the workspace starts from the checkout branch whatever the push branch holds.
  const workspace = await git.checkout(checkout);
  try {
    const outcome = await apply(workspace, 1);
    if (outcome.kind === 'nothing') return { kind: 'nothing', result: outcome.result };
    const { message, author, signer, result } = outcome;
    const commit = await workspace.commit({ message, author, ...(signer && { signer }) });
    if (commit === null) return { kind: 'nothing', result };
    const branch = pushBranchOf(result);
    // A force push to the checkout branch would rewrite its history: never.
    if (branch === checkout.branch)
      throw new InvalidConfigError(
        `push branch ${branch} is the checkout branch; a rebuilt branch must differ`,
      );
    const signal = checkout.signal;
    const existing = worthComparing(workspace.baseCommit)
      ? await workspace.equivalentRemoteCommit(branch, { signal })
      : null;
    if (existing !== null) return { kind: 'unchanged', commit: existing, branch, result };
    await workspace.push({ branch, force: true, signal });
    return { kind: 'pushed', commit, branch, result };
  } finally {
    await workspace.dispose();
  }
};
