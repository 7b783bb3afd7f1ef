import type { RegistryProvider } from './types.ts';

/**
 * Since Flux 2.6 a cloud `provider` only works when the image's registry host belongs to that cloud;
 * otherwise credential lookup fails on every scan (before 2.6 the scan silently went anonymous).
 * Patterns from `fluxcd/pkg` `auth/{aws,azure,gcp}/provider.go` (auth v0.17–v0.33), with two
 * deliberate tightenings: anchored at both ends (the AWS pattern upstream is unanchored, so
 * `1.dkr.ecr.r.amazonaws.com.example.org` passed) and literal dots.
 */

// <account>.dkr.ecr[-fips].<region>.<partition domain>: commercial, China, GovCloud-style and
// isolated partitions, as in the amazon-ecr-credential-helper pattern Flux copies.
const AWS_ECR =
  /^[0-9]+\.dkr\.ecr(-fips)?\.[^/.]+\.(amazonaws\.com(\.cn)?|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;
const AWS_PUBLIC_ECR = 'public.ecr.aws';
const AZURE_ACR = /^.+\.(azurecr\.io|azurecr\.cn|azurecr\.de|azurecr\.us)$/;
const GCP = /^(((.+\.)?gcr\.io)|(.+-docker\.pkg\.dev))$/;

const EXPECTED: Readonly<Record<Exclude<RegistryProvider, 'generic'>, string>> = {
  aws: 'an Amazon ECR host (<account>.dkr.ecr.<region>.amazonaws.com, its -fips and China forms, or public.ecr.aws)',
  azure: 'an Azure Container Registry host (*.azurecr.io, .cn, .de or .us)',
  gcp: 'a Google registry host (gcr.io, *.gcr.io or <location>-docker.pkg.dev)',
};

export const registryMatchesProvider = (provider: RegistryProvider, registry: string): boolean => {
  switch (provider) {
    case 'generic':
      return true;
    case 'aws':
      return registry === AWS_PUBLIC_ECR || AWS_ECR.test(registry);
    case 'azure':
      return AZURE_ACR.test(registry);
    case 'gcp':
      return GCP.test(registry);
  }
};

/** The message for a mismatch, or undefined when the host fits the provider. */
export const providerHostMismatch = (provider: RegistryProvider, registry: string): string | undefined => {
  if (provider === 'generic' || registryMatchesProvider(provider, registry)) return undefined;
  return `provider ${provider} needs ${EXPECTED[provider]}, but the image's registry is ${JSON.stringify(registry)}; use provider generic (with secretRef) for other registries`;
};
