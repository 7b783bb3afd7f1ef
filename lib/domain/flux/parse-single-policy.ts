import type { PolicySpec } from '../policy/types.ts';
import { collectObjects } from './collect-objects.ts';
import type { ConfigIssue } from './config-issue.ts';
import { configIssue } from './config-issue.ts';
import { policySpecOf } from './policy-spec-of.ts';
import type { ImagePolicy } from './types.ts';

export type SinglePolicyResult =
  | {
      readonly ok: true;
      readonly policy: ImagePolicy;
      readonly spec: PolicySpec;
      readonly warnings: ConfigIssue[];
    }
  | { readonly ok: false; readonly errors: ConfigIssue[]; readonly warnings: ConfigIssue[] };

/**
 * One ImagePolicy on its own, for `eval --policy FILE`: the file must hold exactly one object, an
 * ImagePolicy, fully validated (range, order, filter) but without looking for the ImageRepository it
 * names, since `eval` brings its own tags.
 */
export const parseSinglePolicy = (text: string, path: string): SinglePolicyResult => {
  const { objects, issues } = collectObjects([{ path, text }]);
  const errors = issues.filter((issue) => issue.severity === 'error');
  const warnings = issues.filter((issue) => issue.severity === 'warning');
  if (errors.length > 0) return { ok: false, errors, warnings };
  const [policy] = objects;
  if (objects.length !== 1 || policy?.kind !== 'ImagePolicy') {
    const found =
      objects.length === 0
        ? 'none'
        : objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).join(', ');
    const message = `expected exactly one ImagePolicy, found ${found}`;
    return { ok: false, errors: [configIssue({ severity: 'error', file: path, message })], warnings };
  }
  return { ok: true, policy, spec: policySpecOf(policy), warnings };
};
