import type { SelectionTrace } from './selection-trace.ts';

/**
 * The common shape of the three Flux policers (image-reflector-controller `internal/policy`
 * `Policer.Latest`): given the candidate values, pick one or say why none. The caller has
 * already handled the empty list and maps the value back to its original tag.
 */
export type Choice =
  | { readonly kind: 'chosen'; readonly value: string }
  | { readonly kind: 'none'; readonly reason: string };

export interface ChooserResult {
  readonly choice: Choice;
  readonly semver?: SelectionTrace['semver'];
}

export interface TagChooser {
  /**
   * @param candidates values in evaluation order (never empty)
   * @param describe names a value for messages, e.g. `"12" (from tag "v12")` when extracted
   */
  choose(candidates: readonly string[], describe: (value: string) => string): ChooserResult;
}

export type ChooserCompilation =
  | { readonly ok: true; readonly chooser: TagChooser }
  | { readonly ok: false; readonly message: string };

export type SortOrder = 'ASC' | 'DESC';

/**
 * Flux upper-cases `order` before checking it (`factory.go`), and an empty order means ASC
 * (`alphabetical.go`, `numerical.go`); anything else is an invalid policy.
 */
export const parseSortOrder = (order: string | undefined): SortOrder | { readonly message: string } => {
  const upper = (order ?? '').toUpperCase();
  if (upper === '' || upper === 'ASC') return 'ASC';
  if (upper === 'DESC') return 'DESC';
  return { message: `invalid order argument provided: '${upper}', must be one of: ASC, DESC` };
};
