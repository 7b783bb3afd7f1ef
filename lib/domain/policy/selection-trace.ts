import type { PolicyChoice } from './types.ts';

/**
 * What a policy saw and why it chose (or did not), for `plan`-style explanations. Counts are
 * exact; samples keep only the first {@link TRACE_SAMPLE_LIMIT} entries in evaluation order, so a
 * trace stays small for repositories with tens of thousands of tags.
 */
export interface TagSample {
  readonly count: number;
  readonly sample: readonly string[];
}

export interface SelectionTrace {
  readonly policy: PolicyChoice['kind'];
  /** Tags handed to `select`. */
  readonly tagsSeen: number;
  /** Present when `filterTags` is set. */
  readonly filter?: {
    /** Tags the pattern did not match. */
    readonly dropped: TagSample;
    /** Tags whose extracted value another (later) tag also produced: only the later one is kept. */
    readonly collapsed: TagSample;
  };
  /** Values compared by the policy (extracted values when `extract` is set, else tags). */
  readonly candidates: TagSample;
  /** Semver only: candidates that are not versions, and versions outside the range. */
  readonly semver?: {
    readonly notVersions: TagSample;
    readonly outOfRange: TagSample;
  };
  /** The winning candidate value (before mapping back to its original tag). */
  readonly selectedValue?: string;
}

export const TRACE_SAMPLE_LIMIT = 20;

/** Counts everything, remembers the first few. */
export interface TagSampler {
  add(tag: string): void;
  snapshot(): TagSample;
}

export const createTagSampler = (limit: number = TRACE_SAMPLE_LIMIT): TagSampler => {
  let count = 0;
  const sample: string[] = [];
  return {
    add(tag) {
      count += 1;
      if (sample.length < limit) sample.push(tag);
    },
    snapshot: () => ({ count, sample: [...sample] }),
  };
};

/** A sample of an existing list without walking all of it. */
export const sampleOf = (tags: readonly string[], limit: number = TRACE_SAMPLE_LIMIT): TagSample => ({
  count: tags.length,
  sample: tags.slice(0, limit),
});
