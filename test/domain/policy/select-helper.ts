import { compilePolicy, type Selection } from '../../../lib/domain/policy/compile-policy.ts';
import type { PolicySpec } from '../../../lib/domain/policy/types.ts';

/** Splits a space-separated tag list written in a table ('' = no tags). */
export const tagList = (text: string): string[] => (text === '' ? [] : text.split(' '));

/** Compiles `spec` (which must be valid) and selects from `tags`. */
export const selectWith = (spec: PolicySpec, tags: readonly string[]): Selection => {
  const compiled = compilePolicy(spec);
  if (!compiled.ok) throw new Error(`invalid policy in test: ${JSON.stringify(compiled.errors)}`);
  return compiled.policy.select(tags);
};

/** The selected tag, or null when the policy selected nothing. */
export const selectedTag = (spec: PolicySpec, tags: readonly string[]): string | null => {
  const selection = selectWith(spec, tags);
  return selection.kind === 'selected' ? selection.tag : null;
};

export const semver = (range: string): PolicySpec => ({ choice: { kind: 'semver', range } });
