import { expandGoTemplate } from './go-expand.ts';
import { compileGoRegexp } from './go-regexp.ts';
import { createTagSampler, type TagSample } from './selection-trace.ts';
import type { TagFilterSpec } from './types.ts';

/**
 * `spec.filterTags` as Flux applies it (image-reflector-controller `internal/policy/filter.go`,
 * `RegexFilter.Apply`): keep tags the pattern matches ANYWHERE (use `^`/`$` to anchor; an empty
 * pattern matches everything); the candidate value is the `extract` template expanded over the
 * leftmost match, or the tag itself when `extract` is empty.
 *
 * Duplicate values collapse to one candidate, remembered with the LAST tag that produced it (Flux
 * overwrites its value → tag map, so with Flux 2.7's descending tag store the lexicographically
 * smallest original survives). Flux then iterates that Go map in random order; here candidates
 * keep the order in which each value first appeared, which makes ties deterministic.
 */
export interface FilteredTags {
  /** Distinct candidate values, in order of first appearance. */
  readonly values: readonly string[];
  /** The tag a value came from (the last one, when several produced it). */
  originalOf(value: string): string;
  readonly dropped: TagSample;
  readonly collapsed: TagSample;
}

export interface TagFilter {
  readonly spec: TagFilterSpec;
  apply(tags: readonly string[]): FilteredTags;
}

export type TagFilterCompilation =
  | { readonly ok: true; readonly filter: TagFilter }
  | { readonly ok: false; readonly message: string };

export const compileTagFilter = (spec: TagFilterSpec): TagFilterCompilation => {
  const compiled = compileGoRegexp(spec.pattern);
  if (!compiled.ok) return compiled;
  const { regexp } = compiled;
  const extract = spec.extract ?? '';

  /** The candidate value of a tag, or undefined when the pattern does not match. */
  const candidateValue = (tag: string): string | undefined => {
    if (extract === '') return regexp.test(tag) ? tag : undefined;
    const groups = regexp.findSubmatch(tag);
    return groups === null ? undefined : expandGoTemplate(extract, groups, regexp.groupIndexByName);
  };

  const apply = (tags: readonly string[]): FilteredTags => {
    const originals = new Map<string, string>();
    const dropped = createTagSampler();
    const collapsed = createTagSampler();
    for (const tag of tags) {
      const value = candidateValue(tag);
      if (value === undefined) {
        dropped.add(tag);
        continue;
      }
      const earlier = originals.get(value);
      if (earlier !== undefined) collapsed.add(earlier);
      // Map.set keeps the key's first position while replacing its tag: first order, last tag.
      originals.set(value, tag);
    }
    return {
      values: [...originals.keys()],
      originalOf: (value) => originals.get(value) ?? value,
      dropped: dropped.snapshot(),
      collapsed: collapsed.snapshot(),
    };
  };

  return { ok: true, filter: { spec, apply } };
};
