import type { PolicySpec } from './types.ts';

/**
 * The rule that chose a version, in a few words for a reviewer: `semver >=1.0.0`,
 * `newest by numerical order of tags matching ^main-(?P<ts>\d+)$ (extract $ts)`.
 */
export const describePolicyRule = (spec: PolicySpec): string => {
  const { choice, filterTags } = spec;
  const rule =
    choice.kind === 'semver'
      ? `semver ${choice.range}`
      : `${choice.order === 'asc' ? 'highest' : 'lowest'} by ${choice.kind} order`;
  if (!filterTags) return rule;
  const extract = filterTags.extract ? ` (extract ${filterTags.extract})` : '';
  return `${rule} of tags matching ${filterTags.pattern}${extract}`;
};
