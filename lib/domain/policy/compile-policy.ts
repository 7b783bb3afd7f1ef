import { createAlphabeticalChooser } from './alphabetical.ts';
import { createNumericalChooser } from './numerical.ts';
import { type SelectionTrace, sampleOf } from './selection-trace.ts';
import { createSemverChooser } from './semver-policy.ts';
import type { ChooserCompilation } from './tag-chooser.ts';
import { compileTagFilter, type TagFilter } from './tag-filter.ts';
import type { PolicyChoice, PolicySpec } from './types.ts';

export type { SelectionTrace, TagSample } from './selection-trace.ts';

/**
 * ImagePolicy evaluation as Flux 2.7 does it (image-reflector-controller
 * `internal/controller/imagepolicy_controller.go` `applyPolicy`, `internal/policy/*.go`):
 * validate once, then `select` from any tag list. Invalid input (bad range, order or regex) is
 * reported per field, as Flux's Stalled `InvalidPolicy`; "nothing to select" is a `none` value
 * with a reason, as Flux's Ready=False `Failure`. Tags are evaluated in the order given: pass
 * them as Flux 2.7 stores them (descending byte order, `sortTagsDescending`) to get its ties.
 */

/** Where a policy is wrong: `field` like 'spec.policy.semver.range' or 'spec.filterTags.pattern'. */
export interface PolicyFieldError {
  readonly field: string;
  readonly message: string;
}

export type PolicyCompilation =
  | { readonly ok: true; readonly policy: CompiledPolicy }
  | { readonly ok: false; readonly errors: readonly PolicyFieldError[] };

export interface CompiledPolicy {
  readonly spec: PolicySpec;
  select(tags: readonly string[]): Selection;
}

export type Selection =
  | { readonly kind: 'selected'; readonly tag: string; readonly trace: SelectionTrace }
  | { readonly kind: 'none'; readonly reason: string; readonly trace: SelectionTrace };

const compileChoice = (choice: PolicyChoice): ChooserCompilation & { readonly field: string } => {
  // Runtime guard: the spec may come from decoded YAML whatever the static type says.
  const untyped = choice as { readonly kind?: unknown; readonly range?: unknown; readonly order?: unknown };
  const order = typeof untyped.order === 'string' ? untyped.order : undefined;
  switch (untyped.kind) {
    case 'semver':
      return {
        field: 'spec.policy.semver.range',
        ...createSemverChooser(typeof untyped.range === 'string' ? untyped.range : ''),
      };
    case 'alphabetical':
      return { field: 'spec.policy.alphabetical.order', ...createAlphabeticalChooser(order) };
    case 'numerical':
      return { field: 'spec.policy.numerical.order', ...createNumericalChooser(order) };
    default:
      return { field: 'spec.policy', ok: false, message: 'given ImagePolicyChoice object is invalid' };
  }
};

export const compilePolicy = (spec: PolicySpec): PolicyCompilation => {
  const errors: PolicyFieldError[] = [];
  const choice = compileChoice(spec.choice);
  if (!choice.ok) errors.push({ field: choice.field, message: choice.message });
  let filter: TagFilter | undefined;
  if (spec.filterTags !== undefined) {
    const compiled = compileTagFilter(spec.filterTags);
    if (compiled.ok) filter = compiled.filter;
    else errors.push({ field: 'spec.filterTags.pattern', message: compiled.message });
  }
  if (!choice.ok || errors.length > 0) return { ok: false, errors };
  const { chooser } = choice;
  const policy = spec.choice.kind;

  const select = (tags: readonly string[]): Selection => {
    const filtered = filter?.apply(tags);
    const candidates = filtered?.values ?? tags;
    const originalOf = filtered?.originalOf ?? ((value: string) => value);
    const base = {
      policy,
      tagsSeen: tags.length,
      ...(filtered && { filter: { dropped: filtered.dropped, collapsed: filtered.collapsed } }),
      candidates: sampleOf(candidates),
    };
    if (candidates.length === 0) {
      const reason =
        tags.length === 0
          ? 'no tags to choose from'
          : `no tag matches filterTags.pattern ${JSON.stringify(filter?.spec.pattern ?? '')}`;
      return { kind: 'none', reason, trace: base };
    }
    const describe = (value: string): string => {
      const original = originalOf(value);
      return original === value
        ? `tag ${JSON.stringify(value)}`
        : `value ${JSON.stringify(value)} (extracted from tag ${JSON.stringify(original)})`;
    };
    const result = chooser.choose(candidates, describe);
    const trace: SelectionTrace = { ...base, ...(result.semver && { semver: result.semver }) };
    if (result.choice.kind === 'none') return { kind: 'none', reason: result.choice.reason, trace };
    const value = result.choice.value;
    return { kind: 'selected', tag: originalOf(value), trace: { ...trace, selectedValue: value } };
  };

  return { ok: true, policy: { spec, select } };
};
