import type { RegistryCallOptions, RegistryClient, RegistryRepository } from '../../ports/registry.ts';

export interface RegistryRouterOptions {
  /** Every registry spoken to over the OCI Distribution API (`provider: generic`, and azure/gcp for now). */
  readonly oci: RegistryClient;
  /** `provider: aws` (ECR's API, IAM credentials). */
  readonly ecr: RegistryClient;
}

/**
 * One RegistryClient for the app: each call goes to the client the ImageRepository's `provider`
 * names. Flux validates the host against the provider; the ECR client does so for `aws`.
 */
export const createRegistryRouter = (options: RegistryRouterOptions): RegistryClient => {
  const clientFor = (repo: RegistryRepository): RegistryClient =>
    repo.provider === 'aws' ? options.ecr : options.oci;

  return {
    listTags: (repo: RegistryRepository, callOptions?: RegistryCallOptions) =>
      clientFor(repo).listTags(repo, callOptions),
    resolveDigest: (repo: RegistryRepository, tag: string, callOptions?: RegistryCallOptions) =>
      clientFor(repo).resolveDigest(repo, tag, callOptions),
  };
};
