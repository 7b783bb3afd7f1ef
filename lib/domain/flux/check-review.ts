import { resolveForgeTarget } from '../forge-target.ts';
import type { ConfigIssue } from './config-issue.ts';
import { createDecodeContext, fieldPath } from './decode-context.ts';
import { resolveGitTarget } from './git-target.ts';
import { objectIssue } from './object-issue.ts';
import { decodeReviewAnnotations, REVIEW_ANNOTATIONS } from './review-annotations.ts';
import { gitRepositoryOf } from './scope.ts';
import type { FluxConfig } from './types.ts';

/**
 * Review annotations checked against the GitRepository they act on: a pull request needs a forge
 * (from the URL or the `forge` annotation) and a push branch other than the checkout branch.
 */
export const checkReviewSettings = (config: FluxConfig): ConfigIssue[] =>
  config.imageUpdateAutomations.flatMap((automation) => {
    const settings = decodeReviewAnnotations(createDecodeContext(), automation.metadata.annotations);
    const gitRepository = gitRepositoryOf(config, automation);
    if (!gitRepository) return [];
    const issues: ConfigIssue[] = [];
    const annotation = (key: string) => fieldPath('metadata.annotations', key);
    const target = resolveGitTarget(automation, gitRepository);
    if (settings.pullRequest) {
      const forge = resolveForgeTarget(gitRepository.spec.url, settings);
      if (!forge.ok)
        issues.push(objectIssue(automation, 'error', annotation(REVIEW_ANNOTATIONS.forge), forge.message));
      if (target.ok && !target.value.switchBranch && settings.pushBranchTemplate === undefined) {
        const message = `a pull request needs a push branch other than the checkout branch ${target.value.pushBranch}`;
        issues.push(objectIssue(automation, 'error', 'spec.git.push.branch', message));
      }
    }
    if (settings.pushBranchTemplate !== undefined && !automation.spec.git.push?.branch) {
      const message = `Flux ignores ${REVIEW_ANNOTATIONS.pushBranchTemplate} and would push straight to the checkout branch; set spec.git.push.branch too`;
      issues.push(objectIssue(automation, 'warning', 'spec.git.push.branch', message));
    }
    return issues;
  });
