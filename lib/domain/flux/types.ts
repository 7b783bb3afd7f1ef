/**
 * Typed Flux objects, as the configuration loader produces them: validated, with Flux's defaults
 * applied (namespace `default`, provider `generic`, exclusion list `^.*\.sig$`, …) so callers never
 * re-derive a default. Shapes mirror the Flux API types they come from (`spec` stays `spec`), so an
 * error's field path (`spec.policy.semver.range`) reads the same in the manifest and in the code.
 *
 * Sources: image-reflector-controller `api/v1/{imagerepository,imagepolicy}_types.go`,
 * image-automation-controller `api/v1/{imageupdateautomation_types,git,reference}.go`,
 * source-controller `api/v1/gitrepository_types.go`, notification-controller `api/v1/receiver_types.go`.
 */

import type { LatestRef } from '../changes.ts';
import type { ImageName } from '../image-name.ts';
import type { PolicyChoice, TagFilterSpec } from '../policy/types.ts';

/** A duration as written (`5m30s`) and in milliseconds. */
export interface Duration {
  readonly text: string;
  readonly milliseconds: number;
}

/** Where an object was read from; `item` is the 0-based index inside a `kind: List` document. */
export interface ManifestSource {
  readonly file: string;
  /** 1-based, counting every document of the file (empty ones included). */
  readonly document: number;
  readonly item?: number;
}

export interface ObjectMeta {
  readonly name: string;
  /** `default` when the manifest does not say. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

interface FluxObject<K extends string> {
  readonly apiVersion: string;
  readonly kind: K;
  readonly metadata: ObjectMeta;
  readonly source: ManifestSource;
}

/** `meta.LocalObjectReference`: a Secret in the referring object's namespace. */
export interface LocalObjectReference {
  readonly name: string;
}

export interface NamespacedObjectReference {
  readonly name: string;
  /** Defaulted to the referring object's namespace. */
  readonly namespace: string;
}

/** source-controller `GitRepositoryRef`; precedence commit > name > semver > tag > branch. */
export interface GitRepositoryRef {
  readonly branch?: string;
  readonly tag?: string;
  readonly semver?: string;
  readonly name?: string;
  readonly commit?: string;
}

export type GitProvider = 'generic' | 'azure' | 'github' | 'aws';

export interface GitRepository extends FluxObject<'GitRepository'> {
  readonly spec: {
    readonly url: string;
    readonly ref?: GitRepositoryRef;
    readonly secretRef?: LocalObjectReference;
    readonly provider: GitProvider;
    readonly interval: Duration;
    /** Default 60s (CRD default). */
    readonly timeout: Duration;
    readonly suspend: boolean;
  };
}

export type RegistryProvider = 'generic' | 'aws' | 'azure' | 'gcp';

export interface ImageRepository extends FluxObject<'ImageRepository'> {
  readonly spec: {
    /** As written; `imageName` holds the parsed, canonical form. */
    readonly image: string;
    readonly imageName: ImageName;
    readonly interval: Duration;
    /** Effective timeout (Flux `GetTimeout`): `spec.timeout`, else `interval`, never under 1s. */
    readonly timeout: Duration;
    /** Effective list (Flux `GetExclusionList`): the user's list, or `^.*\.sig$` when absent or empty. */
    readonly exclusionList: readonly string[];
    readonly secretRef?: LocalObjectReference;
    readonly certSecretRef?: LocalObjectReference;
    readonly proxySecretRef?: LocalObjectReference;
    readonly provider: RegistryProvider;
    readonly insecure: boolean;
    readonly serviceAccountName?: string;
    /** Present = cross-namespace policies may reference it (namespace labels are not checked here). */
    readonly accessFrom?: { readonly namespaceSelectors: readonly LabelSelector[] };
    readonly suspend: boolean;
  };
}

export type DigestReflectionPolicy = 'Never' | 'IfNotPresent' | 'Always';

export interface ImagePolicy extends FluxObject<'ImagePolicy'> {
  readonly spec: {
    readonly imageRepositoryRef: NamespacedObjectReference;
    /** Exactly one choice; orders are lowercase and default to `asc`. */
    readonly policy: PolicyChoice;
    readonly filterTags?: TagFilterSpec;
    readonly digestReflectionPolicy: DigestReflectionPolicy;
    /** Set exactly when `digestReflectionPolicy` is `Always` (the CRD's CEL rules). */
    readonly interval?: Duration;
    readonly suspend: boolean;
  };
  /** Only `latestRef` is kept: the `rewrite` command can take policies with a recorded result. */
  readonly status?: { readonly latestRef?: LatestRef };
}

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: LabelSelectorOperator;
  readonly values: readonly string[];
}

/** `metav1.LabelSelector`; an empty selector matches everything. */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export interface CommitSigningKey {
  readonly secretRef: LocalObjectReference;
  /** `gpg` (default: `git.asc` + `passphrase`) or `ssh` (`identity` + `password`). */
  readonly type: 'gpg' | 'ssh';
}

export interface ImageUpdateAutomation extends FluxObject<'ImageUpdateAutomation'> {
  readonly spec: {
    readonly sourceRef: {
      readonly kind: 'GitRepository';
      readonly name: string;
      readonly namespace: string;
      readonly apiVersion?: string;
    };
    readonly interval: Duration;
    readonly git: {
      readonly checkout?: { readonly ref: GitRepositoryRef };
      readonly commit: {
        /** `email` is required; `name` is optional, as in Flux. */
        readonly author: { readonly name?: string; readonly email: string };
        readonly signingKey?: CommitSigningKey;
        readonly messageTemplate?: string;
        readonly messageTemplateValues: Readonly<Record<string, string>>;
      };
      readonly push?: {
        readonly branch?: string;
        readonly refspec?: string;
        readonly options: Readonly<Record<string, string>>;
      };
    };
    /** Absent = every ImagePolicy of the namespace. */
    readonly policySelector?: LabelSelector;
    readonly update: {
      readonly strategy: 'Setters';
      /** Normalised relative path, forward slashes, no `./`; '' = the repository root. */
      readonly path: string;
    };
    readonly suspend: boolean;
  };
}

export const RECEIVER_TYPES = [
  'generic',
  'generic-hmac',
  'github',
  'gitlab',
  'bitbucket',
  'harbor',
  'dockerhub',
  'quay',
  'gcr',
  'nexus',
  'acr',
  'cdevents',
  // Ours, not Flux's: registries that notify without a Flux receiver type.
  'distribution',
  'artifactory',
  'ecr',
] as const;

export type ReceiverType = (typeof RECEIVER_TYPES)[number];

/** notification-controller `CrossNamespaceObjectReference`. */
export interface ReceiverResource {
  readonly apiVersion?: string;
  readonly kind: string;
  /** `*` selects by `matchLabels`. */
  readonly name: string;
  /** Defaulted to the Receiver's namespace. */
  readonly namespace: string;
  readonly matchLabels?: Readonly<Record<string, string>>;
}

export interface Receiver extends FluxObject<'Receiver'> {
  readonly spec: {
    readonly type: ReceiverType;
    readonly secretRef: LocalObjectReference;
    readonly resources: readonly ReceiverResource[];
    readonly events: readonly string[];
    /** Default 10m. */
    readonly interval: Duration;
    readonly suspend: boolean;
  };
}

export interface Secret extends FluxObject<'Secret'> {
  /** Default `Opaque`. */
  readonly type: string;
  /** `data` base64-decoded, then `stringData` laid over it (UTF-8), as the API server does. */
  readonly data: Readonly<Record<string, Uint8Array>>;
}

/**
 * Core `v1` ServiceAccount: only its annotations are read, for an ImageRepository's
 * `spec.serviceAccountName` (the IAM role in `eks.amazonaws.com/role-arn`).
 */
export interface ServiceAccount extends FluxObject<'ServiceAccount'> {}

export type FluxKind =
  | GitRepository
  | ImageRepository
  | ImagePolicy
  | ImageUpdateAutomation
  | Receiver
  | Secret
  | ServiceAccount;

/** Everything a load produced, valid objects only, in file then document order. */
export interface FluxConfig {
  readonly gitRepositories: readonly GitRepository[];
  readonly imageRepositories: readonly ImageRepository[];
  readonly imagePolicies: readonly ImagePolicy[];
  readonly imageUpdateAutomations: readonly ImageUpdateAutomation[];
  readonly receivers: readonly Receiver[];
  readonly secrets: readonly Secret[];
  readonly serviceAccounts: readonly ServiceAccount[];
}
