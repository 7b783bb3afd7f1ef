/**
 * The ImagePolicy evaluation inputs, in the shape of Flux's `ImagePolicySpec.policy` and
 * `ImagePolicySpec.filterTags` (image-reflector-controller `api/v1/imagepolicy_types.go`).
 * Field names outside this folder (YAML decoding, defaults) are the config validator's business.
 */

/** Exactly one ordering rule, as Flux's `ImagePolicyChoice` (semver → alphabetical → numerical). */
export type PolicyChoice =
  | { readonly kind: 'semver'; readonly range: string }
  | { readonly kind: 'alphabetical'; readonly order: 'asc' | 'desc' }
  | { readonly kind: 'numerical'; readonly order: 'asc' | 'desc' };

/** Go RE2 `pattern` matched anywhere in the tag; optional `extract` template (`$1`, `${name}`). */
export interface TagFilterSpec {
  readonly pattern: string;
  readonly extract?: string;
}

export interface PolicySpec {
  readonly choice: PolicyChoice;
  readonly filterTags?: TagFilterSpec;
}
