/**
 * Where tags and digests come from. A webhook payload is only a hint: every decision is made
 * on what this port reports (OCI Distribution API, or ECR's API for `provider: aws`).
 */

/** Credentials for one registry, already resolved from the ImageRepository's `secretRef`. */
export type RegistryCredentials =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** An identity/refresh token from a docker config (`identitytoken`), exchanged at the token realm. */
  | { readonly kind: 'identity-token'; readonly token: string };

/** One repository in one registry, as the policies see it. */
export interface RegistryRepository {
  /** Registry host with optional port, Docker Hub as `index.docker.io`. */
  readonly registry: string;
  /** Repository path, e.g. `library/alpine`. */
  readonly repository: string;
  /** Plain HTTP (Flux `spec.insecure`). */
  readonly insecure: boolean;
  readonly provider: 'generic' | 'aws' | 'azure' | 'gcp';
  readonly credentials: RegistryCredentials;
  /** Optional IAM role to assume for `provider: aws` (object-level workload identity). */
  readonly roleArn?: string;
}

export interface RegistryCallOptions {
  readonly signal?: AbortSignal;
}

/**
 * @example
 * const tags = await registry.listTags(repo);               // every page, registry order
 * const digest = await registry.resolveDigest(repo, '1.4.2'); // 'sha256:…' of the index for multi-arch
 */
export interface RegistryClient {
  /** Every tag of the repository (all pages), in the order the registry returned them. */
  listTags(repo: RegistryRepository, options?: RegistryCallOptions): Promise<string[]>;
  /** The digest `repo:tag` points at now (HEAD, never a manifest GET): the index digest for multi-arch images. */
  resolveDigest(repo: RegistryRepository, tag: string, options?: RegistryCallOptions): Promise<string>;
}
