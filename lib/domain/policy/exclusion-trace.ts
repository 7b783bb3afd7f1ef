import { DEFAULT_EXCLUSION_LIST, sortTagsDescending } from './exclusion-list.ts';
import { compileGoRegexp, type GoRegexp } from './go-regexp.ts';
import { createTagSampler, type TagSample } from './selection-trace.ts';

/**
 * The exclusion list's part of a `plan` explanation. `ImageRepository.spec.exclusionList` drops tags
 * before they are stored (resolve-policies applies it before the policy sees anything), so a
 * SelectionTrace never mentions them; this replays the same rule on the listed tags and says which
 * pattern dropped what. Same semantics as `compileExclusionList`: unanchored Go regexps, ANY match
 * drops, an absent or empty list means the default `^.*\.sig$`.
 */
export interface ExclusionTrace {
  /** Tags the registry listed. */
  readonly listed: number;
  /** Tags dropped, counted exactly, sampled in descending byte order. */
  readonly excluded: TagSample;
  /** Per pattern, how many tags it dropped first (a tag counts for the first pattern that matches). */
  readonly patterns: readonly { readonly pattern: string; readonly count: number }[];
  /** What the policy is given: the kept tags in Flux's stored order (descending bytes). */
  readonly kept: readonly string[];
}

export type ExclusionTraceResult =
  | { readonly ok: true; readonly trace: ExclusionTrace }
  | { readonly ok: false; readonly message: string };

export const traceExclusionList = (
  patterns: readonly string[] | undefined,
  listed: readonly string[],
): ExclusionTraceResult => {
  const effective = patterns === undefined || patterns.length === 0 ? DEFAULT_EXCLUSION_LIST : patterns;
  const regexps: GoRegexp[] = [];
  for (const pattern of effective) {
    const compiled = compileGoRegexp(pattern);
    if (!compiled.ok) return { ok: false, message: compiled.message };
    regexps.push(compiled.regexp);
  }
  const counts = regexps.map(() => 0);
  const excluded = createTagSampler();
  const kept: string[] = [];
  // Flux's stored order (descending bytes), so samples read like every other list in a trace.
  for (const tag of sortTagsDescending(listed)) {
    const index = regexps.findIndex((regexp) => regexp.test(tag));
    if (index < 0) {
      kept.push(tag);
      continue;
    }
    counts[index] = (counts[index] ?? 0) + 1;
    excluded.add(tag);
  }
  return {
    ok: true,
    trace: {
      listed: listed.length,
      excluded: excluded.snapshot(),
      patterns: regexps.map((regexp, i) => ({ pattern: regexp.pattern, count: counts[i] ?? 0 })),
      kept,
    },
  };
};
