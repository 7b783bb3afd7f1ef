import type { PolicySpec } from '../policy/types.ts';
import type { ImagePolicy } from './types.ts';

/** What the policy engine evaluates: the choice and the tag filter of an ImagePolicy. */
export const policySpecOf = (policy: ImagePolicy): PolicySpec =>
  policy.spec.filterTags
    ? { choice: policy.spec.policy, filterTags: policy.spec.filterTags }
    : { choice: policy.spec.policy };
