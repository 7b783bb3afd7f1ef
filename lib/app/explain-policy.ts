import type { LatestRef } from '../domain/changes.ts';
import type { AppErrorCode } from '../domain/errors.ts';
import { policySpecOf } from '../domain/flux/policy-spec-of.ts';
import type { DigestReflectionPolicy, ImagePolicy, ImageRepository } from '../domain/flux/types.ts';
import { compilePolicy, type Selection, type SelectionTrace } from '../domain/policy/compile-policy.ts';
import { type ExclusionTrace, traceExclusionList } from '../domain/policy/exclusion-trace.ts';
import { screenTags } from '../domain/policy/oci-tag.ts';
import type { PolicyChoice, TagFilterSpec } from '../domain/policy/types.ts';

/**
 * One policy's part of a plan: what the registry listed, what each rule dropped and why, what was
 * selected, where its digest came from, and what it replaces. Plain data (the `--json` output).
 */
export interface PolicyPlan {
  /** `namespace/name` of the ImagePolicy. */
  readonly policy: string;
  /** The ImageRepository's `spec.image`, when it exists. */
  readonly image?: string;
  /** `semver ">=1.0.0"`, `alphabetical desc`, `numerical asc`. */
  readonly rule: string;
  readonly filterTags?: TagFilterSpec;
  /** The exclusion list's drops (absent when the registry was not listed in this run). */
  readonly exclusion?: Omit<ExclusionTrace, 'kept'>;
  /** The policy's own trace: filterTags drops, versions out of range, candidates. */
  readonly trace?: SelectionTrace;
  readonly decision: PolicyDecision;
  readonly latestRef?: LatestRef;
  readonly previousRef?: LatestRef;
  readonly changed: boolean;
  readonly digest: { readonly policy: DigestReflectionPolicy; readonly source: DigestSource };
}

export type PolicyDecision =
  | { readonly kind: 'selected'; readonly tag: string }
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'error'; readonly code: AppErrorCode; readonly message: string };

/** `registry`: asked of the registry in this run · `kept`: reused (IfNotPresent, same tag) · `none`: no digest. */
export type DigestSource = 'registry' | 'kept' | 'none';

/** What the run told us about one policy (a resolution, or its state records after a failed run). */
export interface PolicyEvidence {
  readonly latestRef?: LatestRef;
  readonly previousRef?: LatestRef;
  readonly changed: boolean;
  readonly selection?: Selection;
  readonly error?: { readonly code: AppErrorCode; readonly message: string; readonly reason?: unknown };
}

const withoutKept = ({ kept: _kept, ...rest }: ExclusionTrace): Omit<ExclusionTrace, 'kept'> => rest;

export const describeRule = (choice: PolicyChoice): string =>
  choice.kind === 'semver' ? `semver ${JSON.stringify(choice.range)}` : `${choice.kind} ${choice.order}`;

/**
 * Builds the explanation. The exclusion list is replayed on the raw listing (resolve-policies
 * applies it before the policy); when the run stopped before returning a selection (nothing
 * selected is an error there), the same pure policy is evaluated again on the same tags.
 */
export const explainPolicy = (input: {
  readonly policy: ImagePolicy;
  readonly repository: ImageRepository | undefined;
  /** Tags the registry listed in this run, before the exclusion list. */
  readonly listed: readonly string[] | undefined;
  readonly evidence: PolicyEvidence;
  /** Whether the digest of `tag` was asked of the registry in this run. */
  readonly digestResolved: (tag: string) => boolean;
}): PolicyPlan => {
  const { policy, repository, evidence } = input;
  // The same screening as the run: a tag outside the OCI grammar is never shown as a candidate.
  const listed = input.listed && screenTags(input.listed).tags;
  const exclusion =
    repository && listed ? traceExclusionList(repository.spec.exclusionList, listed) : undefined;
  let selection = evidence.selection;
  if (!selection && exclusion?.ok) {
    const compiled = compilePolicy(policySpecOf(policy));
    if (compiled.ok) selection = compiled.policy.select(exclusion.trace.kept);
  }
  const decision: PolicyDecision =
    evidence.error && evidence.error.reason !== 'NoTagSelected'
      ? { kind: 'error', code: evidence.error.code, message: evidence.error.message }
      : selection?.kind === 'selected'
        ? { kind: 'selected', tag: selection.tag }
        : selection?.kind === 'none'
          ? { kind: 'none', reason: selection.reason }
          : evidence.error
            ? { kind: 'error', code: evidence.error.code, message: evidence.error.message }
            : { kind: 'none', reason: 'not evaluated in this run' };
  const latest = evidence.latestRef;
  const source: DigestSource = !latest?.digest
    ? 'none'
    : input.digestResolved(latest.tag)
      ? 'registry'
      : 'kept';
  return {
    policy: `${policy.metadata.namespace}/${policy.metadata.name}`,
    ...(repository ? { image: repository.spec.image } : {}),
    rule: describeRule(policy.spec.policy),
    ...(policy.spec.filterTags ? { filterTags: policy.spec.filterTags } : {}),
    ...(exclusion?.ok ? { exclusion: withoutKept(exclusion.trace) } : {}),
    ...(selection ? { trace: selection.trace } : {}),
    decision,
    ...(latest ? { latestRef: latest } : {}),
    ...(evidence.previousRef ? { previousRef: evidence.previousRef } : {}),
    changed: evidence.changed,
    digest: { policy: policy.spec.digestReflectionPolicy, source },
  };
};
