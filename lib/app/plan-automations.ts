import type { Change } from '../domain/changes.ts';
import { type AppErrorCode, toAppError } from '../domain/errors.ts';
import { resolveGitTarget } from '../domain/flux/git-target.ts';
import { gitRepositoryOf, policiesInScope, repositoryOf } from '../domain/flux/scope.ts';
import type { ImagePolicy, ImageUpdateAutomation } from '../domain/flux/types.ts';
import type { MarkerWarning } from '../domain/markers/rewrite-markers.ts';
import type { StateStore } from '../ports/state-store.ts';
import { explainPolicy, type PolicyEvidence, type PolicyPlan } from './explain-policy.ts';
import { type ReconcileDeps, type ReconcileOutcome, reconcileAutomation } from './reconcile-automation.ts';
import { createRecordingRegistry, type RecordingRegistry } from './recording-registry.ts';
import type { PolicyResolution } from './resolve-policies.ts';

/**
 * `plan`: every automation run for real in dry-run mode (fresh tags, digests, a clone, the rewrite)
 * on a throw-away overlay of the recorded state, then explained: each policy's decision and why, and
 * the exact diff that would be committed. Nothing is written: the overlay keeps state writes, the
 * dry run pushes nothing. Each automation gets its own overlay, so one automation's fresh result is
 * never shown as another's "previous" ref.
 */
export interface PlanDeps extends ReconcileDeps {
  /** A fresh overlay over the recorded state (reads go through, writes stay in memory). */
  readonly overlayState: () => StateStore;
}

export interface AutomationPlan {
  /** `namespace/name` of the ImageUpdateAutomation. */
  readonly automation: string;
  /** `changes`: a commit would be made · `no-changes` · `skipped` (suspended) · `failed`. */
  readonly outcome: 'changes' | 'no-changes' | 'skipped' | 'failed';
  readonly reason?: string;
  readonly checkoutBranch?: string;
  readonly pushBranch?: string;
  readonly policies: readonly PolicyPlan[];
  readonly changes: readonly Change[];
  /** Unified diffs, one per file, exactly what the commit would change. */
  readonly diffs: readonly { readonly file: string; readonly diff: string }[];
  readonly warnings: readonly MarkerWarning[];
  readonly error?: { readonly code: AppErrorCode; readonly message: string; readonly retryable: boolean };
}

export interface PlanReport {
  readonly automations: readonly AutomationPlan[];
}

const keyOf = (o: { metadata: { namespace: string; name: string } }) =>
  `${o.metadata.namespace}/${o.metadata.name}`;
const byKey = (a: { automation: string }, b: { automation: string }) =>
  a.automation < b.automation ? -1 : a.automation > b.automation ? 1 : 0;

const evidenceOfResolution = (resolution: PolicyResolution): PolicyEvidence => ({
  ...(resolution.latestRef ? { latestRef: resolution.latestRef } : {}),
  ...(resolution.previousRef ? { previousRef: resolution.previousRef } : {}),
  changed: resolution.changed,
  ...(resolution.selection ? { selection: resolution.selection } : {}),
  ...(resolution.error
    ? {
        error: {
          code: resolution.error.code,
          message: resolution.error.message,
          reason: resolution.error.data.reason,
        },
      }
    : {}),
});

/** After a failed run there are no resolutions: what the run wrote to its overlay tells the same. */
const evidenceOfState = async (
  recorded: StateStore,
  overlay: StateStore,
  policy: ImagePolicy,
): Promise<PolicyEvidence> => {
  const before = await recorded.read('policy', keyOf(policy));
  const after = await overlay.read('policy', keyOf(policy));
  const written = after !== undefined && after.version !== before?.version;
  const latestRef = written ? after.value.latestRef : before?.value.latestRef;
  const previousRef = before?.value.latestRef;
  const error = written ? after.value.lastError : undefined;
  return {
    ...(latestRef ? { latestRef } : {}),
    ...(previousRef ? { previousRef } : {}),
    changed: written && JSON.stringify(latestRef) !== JSON.stringify(previousRef),
    ...(error
      ? {
          error: {
            code: error.code,
            message: error.message,
            ...(error.message.includes(': no tag selected: ') ? { reason: 'NoTagSelected' } : {}),
          },
        }
      : {}),
  };
};

const planOne = async (deps: PlanDeps, automation: ImageUpdateAutomation): Promise<AutomationPlan> => {
  const key = keyOf(automation);
  const overlay = deps.overlayState();
  const recorder: RecordingRegistry = createRecordingRegistry(deps.registry);
  const target = resolveGitTarget(automation, gitRepositoryOf(deps.config, automation));
  const branches = target.ok
    ? {
        ...(target.value.checkoutRef.branch ? { checkoutBranch: target.value.checkoutRef.branch } : {}),
        pushBranch: target.value.pushBranch,
      }
    : {};
  const explain = (policy: ImagePolicy, evidence: PolicyEvidence): PolicyPlan => {
    const repository = repositoryOf(deps.config, policy);
    const canonical = repository?.spec.imageName.canonical ?? '';
    return explainPolicy({
      policy,
      repository,
      listed: recorder.listed(canonical),
      evidence,
      digestResolved: (tag) => recorder.resolved(canonical, tag),
    });
  };
  let outcome: ReconcileOutcome;
  try {
    outcome = await reconcileAutomation(
      { ...deps, state: overlay, registry: recorder.client },
      {
        automation: key,
        repositories: [],
        reason: 'manual',
        deliveryIds: [],
        triggeredAt: deps.clock.now().toISOString(),
      },
      { dryRun: true },
    );
  } catch (thrown) {
    const error = toAppError(thrown);
    const policies = await Promise.all(
      policiesInScope(deps.config, automation)
        .filter((p) => !p.spec.suspend)
        .map(async (p) => explain(p, await evidenceOfState(deps.state, overlay, p))),
    );
    return {
      automation: key,
      outcome: 'failed',
      ...branches,
      policies,
      changes: [],
      diffs: [],
      warnings: [],
      error: { code: error.code, message: error.message, retryable: error.retryable },
    };
  }
  if (outcome.kind === 'skipped') {
    return {
      automation: key,
      outcome: 'skipped',
      reason: outcome.reason,
      ...branches,
      policies: [],
      changes: [],
      diffs: [],
      warnings: [],
    };
  }
  const policies = outcome.resolutions.map((r) => explain(r.policy, evidenceOfResolution(r)));
  const dry = outcome.kind === 'dry-run' ? outcome : undefined;
  const changes = dry?.changes ?? [];
  return {
    automation: key,
    outcome: changes.length > 0 ? 'changes' : 'no-changes',
    ...(changes.length === 0 ? { reason: 'no marker needs a change' } : {}),
    ...branches,
    policies,
    changes,
    diffs: dry?.diffs ?? [],
    warnings: outcome.warnings,
  };
};

/** Plans every automation of the configuration (or the ones named), sorted by key. */
export const planAutomations = async (
  deps: PlanDeps,
  options: { readonly automations?: readonly string[] } = {},
): Promise<PlanReport> => {
  const wanted = options.automations ? new Set(options.automations) : undefined;
  const selected = deps.config.imageUpdateAutomations.filter((a) => !wanted || wanted.has(keyOf(a)));
  const automations: AutomationPlan[] = [];
  // One after another: plans are for people, and the logs stay readable.
  for (const automation of selected) automations.push(await planOne(deps, automation));
  return { automations: automations.sort(byKey) };
};
