import type { GitRepository, GitRepositoryRef, ImageUpdateAutomation } from './types.ts';

/**
 * Where an automation checks out and pushes (flux-semantics §5.1, §5.5; image-automation-controller
 * `internal/source/source.go`):
 * - checkout ref = `spec.git.checkout.ref`, else the GitRepository's `spec.ref`, else branch `master`;
 * - push branch = `spec.git.push.branch`, else the checkout ref's `branch`, else an error (a tag,
 *   semver, name or commit checkout has no branch to push to);
 * - "switch branch" = the push branch differs from the checkout branch (always, for a checkout
 *   without a branch); the engine then pushes to the other branch, building on it if it exists.
 */

export interface GitTarget {
  readonly checkoutRef: GitRepositoryRef;
  readonly pushBranch: string;
  readonly switchBranch: boolean;
  readonly refspec?: string;
  readonly pushOptions: Readonly<Record<string, string>>;
}

export type GitTargetResult =
  | { readonly ok: true; readonly value: GitTarget }
  | { readonly ok: false; readonly field: string; readonly message: string };

const DEFAULT_REF: GitRepositoryRef = { branch: 'master' };

const isEmptyRef = (ref: GitRepositoryRef): boolean =>
  !ref.branch && !ref.tag && !ref.semver && !ref.name && !ref.commit;

export const resolveGitTarget = (
  automation: ImageUpdateAutomation,
  gitRepository: GitRepository | undefined,
): GitTargetResult => {
  const declared = automation.spec.git.checkout?.ref ?? gitRepository?.spec.ref;
  const checkoutRef = declared && !isEmptyRef(declared) ? declared : DEFAULT_REF;
  const push = automation.spec.git.push;
  const pushBranch = push?.branch ?? checkoutRef.branch;
  if (!pushBranch) {
    return {
      ok: false,
      field: 'spec.git.push.branch',
      message: `required: the checkout ref (${describeRef(checkoutRef)}) has no branch to push to`,
    };
  }
  return {
    ok: true,
    value: {
      checkoutRef,
      pushBranch,
      switchBranch: pushBranch !== checkoutRef.branch,
      ...(push?.refspec !== undefined && { refspec: push.refspec }),
      pushOptions: push?.options ?? {},
    },
  };
};

const describeRef = (ref: GitRepositoryRef): string => {
  if (ref.commit) return `commit ${ref.commit}`;
  if (ref.name) return `name ${ref.name}`;
  if (ref.semver) return `semver ${ref.semver}`;
  if (ref.tag) return `tag ${ref.tag}`;
  return `branch ${ref.branch ?? ''}`;
};
