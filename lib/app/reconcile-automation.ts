import type { LatestRef } from '../domain/changes.ts';
import { sameLatestRef } from '../domain/changes.ts';
import { type AppError, InvalidConfigError, toAppError, UpstreamError } from '../domain/errors.ts';
import { rebuildsPushBranch, reviewSettingsOf } from '../domain/flux/review-annotations.ts';
import { policiesInScope } from '../domain/flux/scope.ts';
import type { ImageUpdateAutomation } from '../domain/flux/types.ts';
import { buildSetters } from '../domain/markers/setters.ts';
import { renderPushBranch } from '../domain/push-branch-name.ts';
import { TEMPLATE_EXEC_ERROR, TEMPLATE_PARSE_ERROR } from '../domain/template/template.ts';
import type { ReconcileRequest } from '../domain/work.ts';
import type { CodeCommitAuth } from '../ports/codecommit-auth.ts';
import type { CommitSigning } from '../ports/commit-signer.ts';
import type { GitClient } from '../ports/git.ts';
import type { GitHubAppTokenSource } from '../ports/github-app.ts';
import type { AutomationStatus } from '../ports/state-store.ts';
import { type AttemptData, automationCommitAttempt, templateInputOf } from './automation-commit.ts';
import { automationTarget } from './automation-target.ts';
import { commitForReview, type ReviewCommitOutcome } from './commit-for-review.ts';
import { loadCommitSigner } from './commit-signing.ts';
import { type CommitWithRetryOutcome, commitWithRetry } from './commit-with-retry.ts';
import { resolveGitAuth, withGitAuth } from './git-auth.ts';
import { type PublishDeps, publishPullRequest, reviewedPolicies } from './publish-pull-request.ts';
import type { ReconcileOutcome } from './reconcile-outcome.ts';
import { createPolicyResolver, isRetryableResolution, type ResolveDeps } from './resolve-policies.ts';
import { recordedError, updateState } from './update-state.ts';

/**
 * One ImageUpdateAutomation run, Flux's reconcile loop (flux-semantics §5.2) on ports:
 * policies in scope → resolve each (fresh tags, digest per policy) → rewrite the marked values in
 * a fresh checkout → commit → push, re-applied on a new head when another writer got there first.
 * Never an empty commit. A run whose policy refs and branch head are what the last run saw stops
 * before cloning. Status is recorded as Flux records it; failures are recorded and rethrown so the
 * queue can decide (retryable → again later; otherwise stalled until the configuration changes).
 */
export interface ReconcileDeps extends ResolveDeps, PublishDeps {
  readonly git: GitClient;
  /** Commit signing (`spec.git.commit.signingKey`); required only by automations that sign. */
  readonly signing?: CommitSigning;
  /** GitHub App installation tokens (`provider: github`), for Git and the pull-request API. */
  readonly githubApp?: GitHubAppTokenSource;
  /** CodeCommit with IAM (`provider: aws`). */
  readonly codeCommit?: CodeCommitAuth;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export type { ReconcileOutcome } from './reconcile-outcome.ts';

export interface ReconcileOptions {
  /** Compute the change and its diff, commit and push nothing (use an overlay state store too). */
  readonly dryRun?: boolean;
}

const keyOf = (o: { metadata: { namespace: string; name: string } }) =>
  `${o.metadata.namespace}/${o.metadata.name}`;

const sameObserved = (
  a: Readonly<Record<string, LatestRef>> | undefined,
  b: Readonly<Record<string, LatestRef>>,
) =>
  a !== undefined &&
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(b).every(([k, v]) => sameLatestRef(a[k], v));

const TEMPLATE_REASONS: ReadonlySet<unknown> = new Set([
  TEMPLATE_EXEC_ERROR,
  TEMPLATE_PARSE_ERROR,
  'RemovedTemplateField',
]);

/**
 * A template error (commit message, push branch, pull-request title or body) names the automation
 * whose template it is: the text is one tenant's, and so is the failure. It stays InvalidConfig, so
 * the queue settles the run (no retry) and the other automations of the repository go on.
 */
const namingAutomation = (error: AppError, key: string): AppError =>
  error.code === 'InvalidConfig' &&
  TEMPLATE_REASONS.has(error.data.reason) &&
  !error.message.startsWith('ImageUpdateAutomation ')
    ? new InvalidConfigError(`ImageUpdateAutomation ${key}: ${error.message}`, {
        cause: error,
        data: { ...error.data, automation: key },
      })
    : error;

export const reconcileAutomation = async (
  deps: ReconcileDeps,
  request: ReconcileRequest,
  options: ReconcileOptions = {},
): Promise<ReconcileOutcome> => {
  const { config, git, state, clock, logger } = deps;
  const automation = config.imageUpdateAutomations.find((a) => keyOf(a) === request.automation);
  if (!automation) {
    throw new InvalidConfigError(`ImageUpdateAutomation ${request.automation} is not in the configuration`);
  }
  if (automation.spec.suspend)
    return { kind: 'skipped', automation: request.automation, reason: 'suspended' };
  const log = logger.child({ automation: request.automation, deliveryIds: request.deliveryIds });
  const startedAt = clock.now();
  try {
    const outcome = await run(deps, automation, request, options, log);
    if (outcome.kind !== 'skipped' && outcome.resolutions.some(isRetryableResolution)) {
      // What could be applied was; the trigger comes back for the policies the registry failed.
      throw new UpstreamError(
        `ImageUpdateAutomation ${request.automation}: ${outcome.resolutions
          .filter(isRetryableResolution)
          .map((r) => `${r.key}: ${r.error?.message}`)
          .join('; ')}`,
      );
    }
    return outcome;
  } catch (error) {
    const appError = namingAutomation(toAppError(error), request.automation);
    if (!options.dryRun) {
      await updateState(state, 'automation', request.automation, (current) => ({
        ...(current ?? {}),
        lastRunTime: startedAt.toISOString(),
        lastError: recordedError(appError, clock.now()),
      }));
    }
    log.error('automation run failed', {
      error: { code: appError.code, message: appError.message, retryable: appError.retryable },
    });
    throw appError;
  }

  async function run(
    deps: ReconcileDeps,
    automation: ImageUpdateAutomation,
    request: ReconcileRequest,
    options: ReconcileOptions,
    log: typeof logger,
  ): Promise<ReconcileOutcome> {
    const key = request.automation;
    const { gitRepository, target, branch } = automationTarget(config, automation);

    const resolver = createPolicyResolver(deps, {
      rescan: new Set(request.repositories),
      force: request.reason === 'manual',
    });
    const policies = policiesInScope(config, automation).filter((p) => !p.spec.suspend);
    const resolutions = await Promise.all(policies.map((p) => resolver.resolve(p)));
    const usable = resolutions.flatMap((r) =>
      r.latestRef
        ? [{ namespace: r.policy.metadata.namespace, name: r.policy.metadata.name, latestRef: r.latestRef }]
        : [],
    );
    const observed = Object.fromEntries(usable.map((p) => [p.name, p.latestRef]));
    const setters = buildSetters(usable);
    const url = gitRepository.spec.url;
    const review = reviewSettingsOf(automation);
    const rebuild = rebuildsPushBranch(review);
    const gitAuth = await resolveGitAuth(deps, gitRepository);
    const previous = (await state.read('automation', key))?.value;
    const report = { automation: key, resolutions };

    // Flux's skip: nothing new on either side (same-branch mode only; switching branches always syncs).
    if (
      !options.dryRun &&
      !target.switchBranch &&
      !rebuild &&
      sameObserved(previous?.observedPolicies, observed) &&
      previous?.observedSourceRevision
    ) {
      const head = await withGitAuth(gitAuth, (credentials) => git.remoteHead({ url, credentials, branch }));
      if (head !== null && previous.observedSourceRevision === `${branch}@sha1:${head}`) {
        await record({ lastRunTime: startedAt.toISOString(), observedPolicies: observed });
        log.info('no change since last run', { head });
        return {
          kind: 'up-to-date',
          reason: 'no change since last run',
          warnings: previous.warnings ?? [],
          ...report,
        };
      }
    }

    const signer = options.dryRun ? undefined : await loadCommitSigner(deps, automation);
    const branchTemplate = review.pushBranchTemplate;
    const apply = automationCommitAttempt({
      automation,
      setters,
      policies: usable,
      clock,
      dryRun: options.dryRun === true,
      ...(signer && { signer }),
      pushBranch: (input) =>
        branchTemplate === undefined ? target.pushBranch : renderPushBranch(branchTemplate, input),
    });
    // Pull-request mode rebuilds the push branch on the checkout branch; otherwise Flux's flow.
    const committed = await withGitAuth<
      CommitWithRetryOutcome<AttemptData> | ReviewCommitOutcome<AttemptData>
    >(gitAuth, (credentials) =>
      rebuild
        ? commitForReview(
            git,
            { url, credentials, branch },
            apply,
            (data) => data.pushBranch,
            // The checkout commit the last run saw (Flux records it when switching branches).
            (base) =>
              !previous?.observedSourceRevision ||
              previous.observedSourceRevision === `${branch}@sha1:${base}`,
          )
        : commitWithRetry(deps, { url, credentials, branch, pushBranch: target.pushBranch }, apply),
    );
    const { changes, warnings, diffs, baseCommit, baseBranch, pushBranch } = committed.result;
    for (const warning of warnings) log.warn('marker problem', { ...warning });
    if (options.dryRun) return { kind: 'dry-run', changes, diffs, warnings, ...report };

    const now = clock.now().toISOString();
    if (committed.kind === 'nothing') {
      await record({
        lastRunTime: startedAt.toISOString(),
        observedPolicies: observed,
        ...(baseBranch === branch ? { observedSourceRevision: `${branch}@sha1:${baseCommit}` } : {}),
        warnings,
      });
      log.info('repository up-to-date', { baseCommit });
      return { kind: 'up-to-date', reason: 'no marker needed a change', warnings, ...report };
    }
    const pushed = committed.kind === 'pushed';
    const recordPush = () =>
      record({
        lastRunTime: startedAt.toISOString(),
        lastPushCommit: committed.commit,
        lastPushTime: now,
        lastPushBranch: pushBranch,
        observedPolicies: observed,
        ...(rebuild
          ? { observedSourceRevision: `${branch}@sha1:${baseCommit}` }
          : target.switchBranch
            ? {}
            : { observedSourceRevision: `${branch}@sha1:${committed.commit}` }),
        warnings,
      });
    // The push is recorded before the forge is asked: a failing API must not hide a pushed commit.
    if (pushed) await recordPush();
    const pullRequest = review.pullRequest
      ? await publishPullRequest(deps, {
          automation,
          repository: gitRepository,
          settings: review,
          changes,
          policies: reviewedPolicies(resolutions),
          baseBranch: branch,
          baseCommit,
          headBranch: pushBranch,
          commit: committed.commit,
          branchMoved: pushed,
          ...(signer && { signedBy: signer.fingerprint }),
          templateInput: templateInputOf(automation, changes),
        })
      : undefined;
    if (!pushed && pullRequest?.action !== 'opened') {
      await record({
        lastRunTime: startedAt.toISOString(),
        observedPolicies: observed,
        observedSourceRevision: `${branch}@sha1:${baseCommit}`,
        warnings,
      });
      log.info('push branch up-to-date', { branch: pushBranch, commit: committed.commit, pullRequest });
      return { kind: 'up-to-date', reason: 'the push branch already holds this change', warnings, ...report };
    }
    if (!pushed) await recordPush();
    const attempts = 'attempts' in committed ? committed.attempts : 1;
    log.info('pushed', {
      commit: committed.commit,
      branch: pushBranch,
      attempts,
      changes: changes.map((c) => ({
        file: c.file,
        line: c.line,
        setter: c.setter,
        old: c.oldValue,
        new: c.newValue,
      })),
      ...(pullRequest && { pullRequest }),
      ...(signer && { signedBy: signer.fingerprint }),
      latencyMs: Date.parse(now) - Date.parse(request.triggeredAt),
      durationMs: Date.parse(now) - startedAt.getTime(),
    });
    return {
      kind: 'pushed',
      commit: committed.commit,
      branch: pushBranch,
      changes,
      attempts,
      warnings,
      ...(pullRequest && {
        pullRequest: {
          url: pullRequest.url,
          number: pullRequest.number,
          action: pullRequest.action === 'opened' ? 'opened' : 'updated',
        },
      }),
      ...report,
    };
  }

  async function record(fields: Omit<AutomationStatus, 'lastError'>) {
    // A successful run replaces the previous status and so clears any recorded error.
    await updateState(state, 'automation', request.automation, (current) => {
      const { lastError: _cleared, ...rest } = current ?? {};
      return { ...rest, ...fields };
    });
  }
};
