import { compileGoRegexp, type GoRegexp } from './go-regexp.ts';

export { sortTagsDescending } from './go-string-order.ts';
export { tagsRevision } from './tags-revision.ts';

/**
 * `ImageRepository.spec.exclusionList` (image-reflector-controller
 * `internal/controller/imagerepository_controller.go`, `filterOutTags`): Go regular expressions,
 * unanchored; a tag matching ANY of them is dropped before the tags are stored. A user-supplied
 * list REPLACES the default; an absent or empty list means the default (the CRD default), which
 * hides cosign signature tags. The CRD's limit of 25 entries is schema validation, not checked here.
 */
export const DEFAULT_EXCLUSION_LIST: readonly string[] = Object.freeze(['^.*\\.sig$']);

export type ExclusionListCompilation =
  | { readonly ok: true; apply(tags: readonly string[]): string[] }
  | { readonly ok: false; readonly errors: readonly { readonly index: number; readonly message: string }[] };

export const compileExclusionList = (patterns: readonly string[] | undefined): ExclusionListCompilation => {
  const effective = patterns === undefined || patterns.length === 0 ? DEFAULT_EXCLUSION_LIST : patterns;
  const regexps: GoRegexp[] = [];
  const errors: { index: number; message: string }[] = [];
  effective.forEach((pattern, index) => {
    const compiled = compileGoRegexp(pattern);
    if (compiled.ok) regexps.push(compiled.regexp);
    else errors.push({ index, message: compiled.message });
  });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    apply: (tags) => tags.filter((tag) => !regexps.some((regexp) => regexp.test(tag))),
  };
};
