import type { LatestRef } from '../changes.ts';
import type { ConfigIssue } from './config-issue.ts';
import { configIssue } from './config-issue.ts';
import { createDecodeContext } from './decode-context.ts';
import { decodeLatestRef } from './decode-image-policy.ts';
import { isSupportedKind } from './decode-object.ts';
import { isObject } from './fields.ts';
import { decodeMetadata } from './metadata.ts';
import { documentField } from './object-issue.ts';
import type { ManifestSource } from './types.ts';
import type { ManifestFile } from './walk-manifests.ts';
import { walkManifests } from './walk-manifests.ts';

/** A policy's recorded result, as `rewrite --policies FILE` needs it. */
export interface PolicyRef {
  readonly namespace: string;
  readonly name: string;
  readonly latestRef: LatestRef;
  readonly source: ManifestSource;
}

export interface PolicyRefsLoad {
  readonly policies: PolicyRef[];
  readonly errors: ConfigIssue[];
  readonly warnings: ConfigIssue[];
}

/**
 * Reads `metadata` and `status.latestRef` of every ImagePolicy, without requiring a `spec`: the
 * input of `rewrite` is "which policy resolved to which image", e.g. `kubectl get imagepolicies -o
 * yaml` output or hand-written stubs. Other kinds are skipped silently; a policy without a
 * `latestRef` is skipped with a warning (Flux ignores such policies too).
 */
export const parsePolicyRefs = (files: readonly ManifestFile[]): PolicyRefsLoad => {
  const policies: PolicyRef[] = [];
  const issues: ConfigIssue[] = [];
  const walkIssues = walkManifests(files, (value, source) => {
    if (!isObject(value) || value.kind !== 'ImagePolicy' || !isSupportedKind(value.apiVersion, value.kind))
      return;
    const ctx = createDecodeContext();
    const metadata = decodeMetadata(ctx, value);
    const latestRef = decodeLatestRef(ctx, value);
    if (metadata && !latestRef && ctx.errorCount() === 0)
      ctx.warn('status.latestRef', 'not set; policy ignored');
    for (const issue of ctx.issues) {
      issues.push(
        configIssue({
          severity: issue.severity,
          file: source.file,
          document: source.document,
          kind: 'ImagePolicy',
          namespace: metadata?.namespace,
          name: metadata?.name,
          field: documentField(source, issue.field),
          message: issue.message,
        }),
      );
    }
    if (metadata && latestRef)
      policies.push({ namespace: metadata.namespace, name: metadata.name, latestRef, source });
  });
  const all = [...walkIssues, ...issues];
  return {
    policies,
    errors: all.filter((issue) => issue.severity === 'error'),
    warnings: all.filter((issue) => issue.severity === 'warning'),
  };
};
