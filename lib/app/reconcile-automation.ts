import type { Change, LatestRef } from '../domain/changes.ts';
import { sameLatestRef } from '../domain/changes.ts';
import { renderCommitMessage } from '../domain/commit-message.ts';
import { InvalidConfigError, toAppError, UpstreamError } from '../domain/errors.ts';
import { resolveGitTarget } from '../domain/flux/git-target.ts';
import { gitRepositoryOf, policiesInScope } from '../domain/flux/scope.ts';
import type { ImageUpdateAutomation } from '../domain/flux/types.ts';
import type { MarkerWarning } from '../domain/markers/rewrite-markers.ts';
import { buildSetters } from '../domain/markers/setters.ts';
import { unifiedDiff } from '../domain/unified-diff.ts';
import type { ReconcileRequest } from '../domain/work.ts';
import type { GitClient } from '../ports/git.ts';
import type { AutomationStatus } from '../ports/state-store.ts';
import { commitWithRetry } from './commit-with-retry.ts';
import { gitCredentials } from './credentials.ts';
import { createRecordingTree } from './recording-tree.ts';
import {
  createPolicyResolver,
  isRetryableResolution,
  type PolicyResolution,
  type ResolveDeps,
} from './resolve-policies.ts';
import { rewriteTree } from './rewrite-tree.ts';
import { recordedError, updateState } from './update-state.ts';

/**
 * One ImageUpdateAutomation run, Flux's reconcile loop (flux-semantics §5.2) on ports:
 * policies in scope → resolve each (fresh tags, digest per policy) → rewrite the marked values in
 * a fresh checkout → commit → push, re-applied on a new head when another writer got there first.
 * Never an empty commit. A run whose policy refs and branch head are what the last run saw stops
 * before cloning. Status is recorded as Flux records it; failures are recorded and rethrown so the
 * queue can decide (retryable → again later; otherwise stalled until the configuration changes).
 */
export interface ReconcileDeps extends ResolveDeps {
  readonly git: GitClient;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface ReconcileOptions {
  /** Compute the change and its diff, commit and push nothing (use an overlay state store too). */
  readonly dryRun?: boolean;
}

interface RunReport {
  readonly automation: string;
  readonly resolutions: readonly PolicyResolution[];
  readonly warnings: readonly MarkerWarning[];
}

export type ReconcileOutcome =
  | (RunReport & {
      readonly kind: 'pushed';
      readonly commit: string;
      readonly branch: string;
      readonly changes: readonly Change[];
      readonly attempts: number;
    })
  | (RunReport & { readonly kind: 'up-to-date'; readonly reason: string })
  | (RunReport & {
      readonly kind: 'dry-run';
      readonly changes: readonly Change[];
      readonly diffs: readonly { file: string; diff: string }[];
    })
  | { readonly kind: 'skipped'; readonly automation: string; readonly reason: string };

const keyOf = (o: { metadata: { namespace: string; name: string } }) =>
  `${o.metadata.namespace}/${o.metadata.name}`;

const sameObserved = (
  a: Readonly<Record<string, LatestRef>> | undefined,
  b: Readonly<Record<string, LatestRef>>,
) =>
  a !== undefined &&
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(b).every(([k, v]) => sameLatestRef(a[k], v));

/** Flux names changed files relative to `update.path` in commit templates. */
const relativeTo = (path: string, changes: readonly Change[]): Change[] =>
  path === ''
    ? [...changes]
    : changes.map((c) => ({
        ...c,
        file: c.file.startsWith(`${path}/`) ? c.file.slice(path.length + 1) : c.file,
      }));

const decoder = new TextDecoder();

export const reconcileAutomation = async (
  deps: ReconcileDeps,
  request: ReconcileRequest,
  options: ReconcileOptions = {},
): Promise<ReconcileOutcome> => {
  const { config, git, state, secrets, clock, logger } = deps;
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
    const appError = toAppError(error);
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
    const gitRepository = gitRepositoryOf(config, automation);
    if (!gitRepository) {
      const ref = automation.spec.sourceRef;
      throw new InvalidConfigError(
        `ImageUpdateAutomation ${key}: GitRepository ${ref.namespace}/${ref.name} not found`,
      );
    }
    const target = resolveGitTarget(automation, gitRepository);
    if (!target.ok)
      throw new InvalidConfigError(`ImageUpdateAutomation ${key}: ${target.field}: ${target.message}`);
    const branch = target.value.checkoutRef.branch;
    if (!branch) {
      throw new InvalidConfigError(
        `ImageUpdateAutomation ${key}: spec.git.checkout.ref: only branch checkouts are supported`,
      );
    }

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
    const credentials = await gitCredentials(secrets, gitRepository);
    const previous = (await state.read('automation', key))?.value;
    const report = { automation: key, resolutions };

    // Flux's skip: nothing new on either side (same-branch mode only; switching branches always syncs).
    if (
      !options.dryRun &&
      !target.value.switchBranch &&
      sameObserved(previous?.observedPolicies, observed) &&
      previous?.observedSourceRevision
    ) {
      const head = await git.remoteHead({ url, credentials, branch });
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

    const { author, messageTemplate, messageTemplateValues } = automation.spec.git.commit;
    const outcome = await commitWithRetry(
      deps,
      { url, credentials, branch, pushBranch: target.value.pushBranch },
      async (workspace) => {
        const recording = options.dryRun ? createRecordingTree(workspace) : undefined;
        const result = await rewriteTree(recording?.tree ?? workspace, setters, {
          path: automation.spec.update.path,
        });
        const diffs = recording
          ? await Promise.all(
              [...recording.written].map(async ([file, content]) => ({
                file,
                diff: unifiedDiff(
                  file,
                  decoder.decode(await workspace.readFile(file)),
                  decoder.decode(content),
                ),
              })),
            )
          : [];
        const data = { ...result, diffs, baseCommit: workspace.baseCommit, baseBranch: workspace.baseBranch };
        if (result.changes.length === 0 || options.dryRun) return { kind: 'nothing', result: data };
        const message = renderCommitMessage(messageTemplate, {
          automation: { namespace: automation.metadata.namespace, name: automation.metadata.name },
          changes: relativeTo(automation.spec.update.path, result.changes),
          values: messageTemplateValues,
        });
        const signature = {
          name: author.name ?? author.email,
          email: author.email,
          timestamp: Math.floor(clock.now().getTime() / 1000),
          timezoneOffset: 0,
        };
        return { kind: 'commit', message, author: signature, result: data };
      },
    );
    const { changes, warnings, diffs, baseCommit, baseBranch } = outcome.result;
    for (const warning of warnings) log.warn('marker problem', { ...warning });
    if (options.dryRun) return { kind: 'dry-run', changes, diffs, warnings, ...report };

    const now = clock.now().toISOString();
    if (outcome.kind === 'nothing') {
      await record({
        lastRunTime: startedAt.toISOString(),
        observedPolicies: observed,
        ...(baseBranch === branch ? { observedSourceRevision: `${branch}@sha1:${baseCommit}` } : {}),
        warnings,
      });
      log.info('repository up-to-date', { baseCommit });
      return { kind: 'up-to-date', reason: 'no marker needed a change', warnings, ...report };
    }
    await record({
      lastRunTime: startedAt.toISOString(),
      lastPushCommit: outcome.commit,
      lastPushTime: now,
      lastPushBranch: target.value.pushBranch,
      observedPolicies: observed,
      ...(target.value.switchBranch ? {} : { observedSourceRevision: `${branch}@sha1:${outcome.commit}` }),
      warnings,
    });
    log.info('pushed', {
      commit: outcome.commit,
      branch: target.value.pushBranch,
      attempts: outcome.attempts,
      changes: changes.map((c) => ({
        file: c.file,
        line: c.line,
        setter: c.setter,
        old: c.oldValue,
        new: c.newValue,
      })),
      latencyMs: Date.parse(now) - Date.parse(request.triggeredAt),
      durationMs: Date.parse(now) - startedAt.getTime(),
    });
    return {
      kind: 'pushed',
      commit: outcome.commit,
      branch: target.value.pushBranch,
      changes,
      attempts: outcome.attempts,
      warnings,
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
