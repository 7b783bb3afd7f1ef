import type { Change } from '../domain/changes.ts';
import type { CommitMessageInput } from '../domain/commit-message.ts';
import { InvalidConfigError } from '../domain/errors.ts';
import { policySpecOf } from '../domain/flux/policy-spec-of.ts';
import type { ReviewSettings } from '../domain/flux/review-annotations.ts';
import type { GitRepository, ImageUpdateAutomation } from '../domain/flux/types.ts';
import { resolveForgeTarget } from '../domain/forge-target.ts';
import { describePolicyRule } from '../domain/policy/describe-policy-rule.ts';
import { type ReviewedPolicy, renderPullRequest } from '../domain/pull-request-text.ts';
import type { ForgeClientFactory } from '../ports/forge.ts';
import type { GitHubAppTokenSource } from '../ports/github-app.ts';
import type { SecretSource } from '../ports/secret-source.ts';
import { resolveForgeAuth } from './forge-auth.ts';
import type { PolicyResolution } from './resolve-policies.ts';

/**
 * Opens the pull request for a push branch, or updates the one already open: found by head branch
 * (and base) first, so there is never a second one for the same branch. Labels and reviewers are
 * applied when it is opened; an update changes title and body only, so labels people added or
 * removed stay as they are. A pull request someone closed is not reopened until the branch changes
 * (a run whose push failed to open one opens it on the next run).
 */

export interface PullRequestInfo {
  readonly url: string;
  readonly number: number;
  readonly action: 'opened' | 'updated' | 'unchanged' | 'left-closed';
}

export interface PublishDeps {
  readonly secrets: SecretSource;
  readonly githubApp?: GitHubAppTokenSource;
  readonly forge?: ForgeClientFactory;
}

export interface PublishRequest {
  readonly automation: ImageUpdateAutomation;
  readonly repository: GitRepository;
  readonly settings: ReviewSettings;
  readonly changes: readonly Change[];
  readonly policies: readonly ReviewedPolicy[];
  readonly baseBranch: string;
  readonly baseCommit: string;
  readonly headBranch: string;
  readonly commit: string;
  /** Whether this run moved the head branch (a force push): the PR changed even if its text did not. */
  readonly branchMoved: boolean;
  readonly signedBy?: string;
  readonly templateInput: CommitMessageInput;
}

/** The policies that resolved in this run, with the rule that chose their version (the PR's "why"). */
export const reviewedPolicies = (resolutions: readonly PolicyResolution[]): ReviewedPolicy[] =>
  resolutions.flatMap((r) =>
    r.latestRef
      ? [
          {
            namespace: r.policy.metadata.namespace,
            name: r.policy.metadata.name,
            latestRef: r.latestRef,
            rule: describePolicyRule(policySpecOf(r.policy)),
          },
        ]
      : [],
  );

export const publishPullRequest = async (
  deps: PublishDeps,
  request: PublishRequest,
): Promise<PullRequestInfo> => {
  const { automation, repository, settings } = request;
  const key = `${automation.metadata.namespace}/${automation.metadata.name}`;
  const target = resolveForgeTarget(repository.spec.url, settings);
  if (!target.ok) throw new InvalidConfigError(`ImageUpdateAutomation ${key}: ${target.message}`);
  if (!deps.forge)
    throw new InvalidConfigError(
      `ImageUpdateAutomation ${key}: pull requests are not available in this runtime`,
    );
  const auth = await resolveForgeAuth(deps, automation, repository, settings, target.value.kind);
  const forge = deps.forge(target.value, auth);
  const { title, body } = renderPullRequest({
    automation: automation.metadata,
    changes: request.changes,
    policies: request.policies,
    baseBranch: request.baseBranch,
    baseCommit: request.baseCommit,
    headBranch: request.headBranch,
    commit: request.commit,
    ...(request.signedBy && { signedBy: request.signedBy }),
    ...(settings.titleTemplate !== undefined && { titleTemplate: settings.titleTemplate }),
    templateInput: request.templateInput,
  });
  const head = request.headBranch;
  const base = request.baseBranch;
  const open = await forge.findOpenPullRequest({ head, base });
  if (!open && !request.branchMoved) {
    // Someone closed it and nothing changed since: respect that until the branch moves.
    const closed = await forge.findClosedPullRequest({ head, base });
    if (closed) return { url: closed.url, number: closed.number, action: 'left-closed' };
  }
  if (!open) {
    const { labels, reviewers } = settings;
    const opened = await forge.createPullRequest({ head, base, title, body, labels, reviewers });
    return { url: opened.url, number: opened.number, action: 'opened' };
  }
  if (open.title !== title || open.body !== body) await forge.updatePullRequest(open.number, { title, body });
  const changed = request.branchMoved || open.title !== title || open.body !== body;
  return { url: open.url, number: open.number, action: changed ? 'updated' : 'unchanged' };
};
