import { InvalidConfigError } from '../../domain/errors.ts';

/**
 * Which ECR registry a host names. Private registries are `<account>.dkr.ecr[-fips].<region>.<domain>`
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html), with the domains of every
 * AWS partition Flux accepts for `provider: aws` (fluxcd/pkg auth/aws, flux-semantics.md §2.3; the same
 * hosts lib/domain/flux/provider-host.ts admits at load time): region, account and FIPS come from the
 * host, never from configuration. `public.ecr.aws` is ECR Public.
 */
export type EcrHost =
  | {
      readonly kind: 'private';
      readonly host: string;
      readonly account: string;
      readonly region: string;
      readonly fips: boolean;
    }
  | { readonly kind: 'public'; readonly host: 'public.ecr.aws' };

const PRIVATE_HOST =
  /^(\d+)\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;

/** The ECR registry `host` names, or undefined when it is not an ECR host. */
export const parseEcrHost = (host: string): EcrHost | undefined => {
  const lower = host.toLowerCase();
  if (lower === 'public.ecr.aws') return { kind: 'public', host: 'public.ecr.aws' };
  const match = PRIVATE_HOST.exec(lower);
  if (!match) return undefined;
  const [, account = '', fips, region = ''] = match;
  return { kind: 'private', host: lower, account, region, fips: fips !== undefined };
};

/** Like parseEcrHost, but a non-ECR host is a configuration error that says what was expected. */
export const requireEcrHost = (host: string, repository: string): EcrHost => {
  const parsed = parseEcrHost(host);
  if (parsed) return parsed;
  throw new InvalidConfigError(
    `provider "aws" needs an Amazon ECR image (<account>.dkr.ecr.<region>.amazonaws.com/<repository> or public.ecr.aws/<repository>), but "${host}/${repository}" is not one; set provider to "generic" for other registries`,
    { data: { registry: host, repository, provider: 'aws' } },
  );
};
