import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { AuthError, UpstreamError } from '../../domain/errors.ts';
import type { RegistryCallOptions, RegistryClient, RegistryRepository } from '../../ports/registry.ts';
import {
  createAssumedRoleCredentials,
  type RoleCredentialsProvider,
  type TemporaryCredentials,
} from '../aws/assumed-role-credentials.ts';
import { translateAwsError } from '../aws/aws-error.ts';
import { createEcrAuthorization, type EcrAuthorization } from './ecr-authorization.ts';
import { type EcrHost, requireEcrHost } from './ecr-host.ts';
import { createOciRegistryClient } from './oci-distribution-client.ts';

/**
 * RegistryClient for `provider: aws`. Tags come from ECR's control plane: one paginated `DescribeImages`
 * pass yields every tag and the digest it points at
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html). Digests of tags
 * listed moments ago are answered from that pass; otherwise `HEAD /v2/<repo>/manifests/<tag>` on the
 * data plane through the OCI client, with Basic credentials from `GetAuthorizationToken`.
 *
 * Region, account and FIPS come from the host; a host that is not ECR is an InvalidConfigError.
 * `roleArn` (per ImageRepository) is assumed with STS: one ECR client per role and region.
 * `public.ecr.aws` has no private API: it goes to the OCI client (anonymous Bearer tokens).
 */
export const ecrRegistryClientDefaults = Object.freeze({
  /** DescribeImages page size (1–1000); the API's default is 100. */
  pageSize: 1000,
  /** A digest from a listing this recent answers resolveDigest without a HEAD; 0 = always HEAD. */
  listedDigestMaxAgeMs: 30_000,
  /** Repositories whose last listing is remembered. */
  maxListings: 256,
  /** Tags of one repository, as for the OCI client (README "Hostile registries"). */
  maxTags: 200_000,
  /** One whole DescribeImages pass; longer is a retryable UpstreamError. */
  listDeadlineMs: 60_000,
});

/** What a per-region ECR client is built from; `credentials` is set when a role is assumed. */
export interface EcrClientSettings {
  readonly region: string;
  readonly useFipsEndpoint: boolean;
  readonly credentials?: () => Promise<TemporaryCredentials>;
}

export interface EcrRegistryClientOptions {
  /** Data-plane client (HEAD digests, ECR Public); a default OCI client otherwise. */
  readonly oci?: RegistryClient;
  /** Builds the ECR control-plane clients (tests inject mocks and record the settings). */
  readonly ecrClientFor?: (settings: EcrClientSettings) => ECRClient;
  /** Role credentials; by default STS AssumeRole with session name `image-automation`, cached. */
  readonly roleCredentials?: RoleCredentialsProvider;
  /** `http://127.0.0.1:5000`: send data-plane requests here instead of the ECR host (tests). */
  readonly dataPlaneEndpoint?: string;
  readonly authorization?: EcrAuthorization;
  readonly clock?: () => number;
  readonly pageSize?: number;
  readonly listedDigestMaxAgeMs?: number;
  readonly maxTags?: number;
  readonly listDeadlineMs?: number;
}

interface Listing {
  readonly at: number;
  readonly digests: ReadonlyMap<string, string>;
}

export const createEcrRegistryClient = (options: EcrRegistryClientOptions = {}): RegistryClient => {
  const settings = { ...ecrRegistryClientDefaults, ...options };
  const clock = options.clock ?? Date.now;
  const oci = options.oci ?? createOciRegistryClient();
  const roleCredentials = options.roleCredentials ?? createAssumedRoleCredentials({ clock });
  const authorization = options.authorization ?? createEcrAuthorization({ clock });
  const dataPlane = options.dataPlaneEndpoint ? new URL(options.dataPlaneEndpoint) : undefined;
  const ecrClients = new Map<string, ECRClient>();
  const listings = new Map<string, Listing>();

  function ecrClient(host: Extract<EcrHost, { kind: 'private' }>, roleArn: string | undefined): ECRClient {
    const key = `${roleArn ?? ''}|${host.region}|${host.fips}`;
    let client = ecrClients.get(key);
    if (!client) {
      const clientSettings: EcrClientSettings = {
        region: host.region,
        useFipsEndpoint: host.fips,
        ...(roleArn ? { credentials: () => roleCredentials(roleArn, host.region) } : {}),
      };
      client = options.ecrClientFor?.(clientSettings) ?? new ECRClient(clientSettings);
      ecrClients.set(key, client);
    }
    return client;
  }

  const listingKey = (repo: RegistryRepository) =>
    `${repo.roleArn ?? ''}|${repo.registry}/${repo.repository}`;

  function remember(repo: RegistryRepository, digests: Map<string, string>): void {
    const key = listingKey(repo);
    listings.delete(key);
    listings.set(key, { at: clock(), digests });
    if (listings.size > settings.maxListings) listings.delete(listings.keys().next().value ?? key);
  }

  async function describeAllTags(
    repo: RegistryRepository,
    host: Extract<EcrHost, { kind: 'private' }>,
    callerSignal?: AbortSignal,
  ): Promise<string[]> {
    const deadline = AbortSignal.timeout(settings.listDeadlineMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
    const data = { registry: repo.registry, repository: repo.repository, roleArn: repo.roleArn };
    const client = ecrClient(host, repo.roleArn);
    const late = (cause?: unknown) =>
      new UpstreamError(
        `ECR DescribeImages for ${repo.registry}/${repo.repository}: the listing did not finish within ${settings.listDeadlineMs} ms (${tags.length} tags so far)`,
        { cause, data: { ...data, deadlineMs: settings.listDeadlineMs } },
      );
    const tags: string[] = [];
    const digests = new Map<string, string>();
    let nextToken: string | undefined;
    do {
      const page = await client
        .send(
          new DescribeImagesCommand({
            registryId: host.account,
            repositoryName: repo.repository,
            // Untagged images (platform children of an index, attestations) are of no use to a policy.
            filter: { tagStatus: 'TAGGED' },
            maxResults: settings.pageSize,
            nextToken,
          }),
          { abortSignal: signal },
        )
        .catch((error: unknown) => {
          callerSignal?.throwIfAborted();
          if (deadline.aborted) throw late(error);
          throw translateAwsError(error, {
            action: `ECR DescribeImages for ${repo.registry}/${repo.repository}`,
            data,
          });
        });
      for (const image of page.imageDetails ?? []) {
        // ACTIVE is the API's default filter; an archived image cannot be pulled until restored.
        if (image.imageStatus !== undefined && image.imageStatus !== 'ACTIVE') continue;
        for (const tag of image.imageTags ?? []) {
          if (tags.length >= settings.maxTags) {
            throw new UpstreamError(
              `ECR DescribeImages for ${repo.registry}/${repo.repository}: the repository lists more than ${settings.maxTags} tags (the limit)`,
              { data: { ...data, maxTags: settings.maxTags } },
            );
          }
          tags.push(tag);
          if (image.imageDigest) digests.set(tag, image.imageDigest);
        }
      }
      nextToken = page.nextToken;
      // Also between pages: a page answered just as the deadline passed must not start another.
      callerSignal?.throwIfAborted();
      if (nextToken && deadline.aborted) throw late();
    } while (nextToken);
    remember(repo, digests);
    return tags;
  }

  async function listTags(repo: RegistryRepository, callOptions?: RegistryCallOptions): Promise<string[]> {
    const host = requireEcrHost(repo.registry, repo.repository);
    if (host.kind === 'public') return oci.listTags({ ...repo, provider: 'generic' }, callOptions);
    return describeAllTags(repo, host, callOptions?.signal);
  }

  function recentlyListed(repo: RegistryRepository, tag: string): string | undefined {
    const listing = listings.get(listingKey(repo));
    if (!listing || clock() - listing.at > settings.listedDigestMaxAgeMs) return undefined;
    return listing.digests.get(tag);
  }

  async function headDigest(
    repo: RegistryRepository,
    host: Extract<EcrHost, { kind: 'private' }>,
    tag: string,
    callOptions?: RegistryCallOptions,
  ): Promise<string> {
    const tokenKey = `${repo.roleArn ?? ''}|${host.host}`;
    for (let round = 0; ; round++) {
      const { credentials, fromCache } = await authorization.get(tokenKey, ecrClient(host, repo.roleArn), {
        registry: host.host,
      });
      const target: RegistryRepository = {
        registry: dataPlane?.host ?? host.host,
        repository: repo.repository,
        insecure: dataPlane?.protocol === 'http:',
        provider: 'generic',
        credentials: { kind: 'basic', ...credentials },
      };
      try {
        return await oci.resolveDigest(target, tag, callOptions);
      } catch (error) {
        // A cached token the registry refuses (revoked session, clock skew) earns one fresh token.
        if (!(error instanceof AuthError) || !fromCache || round > 0) throw error;
        authorization.invalidate(tokenKey);
      }
    }
  }

  async function resolveDigest(
    repo: RegistryRepository,
    tag: string,
    callOptions?: RegistryCallOptions,
  ): Promise<string> {
    const host = requireEcrHost(repo.registry, repo.repository);
    if (host.kind === 'public') return oci.resolveDigest({ ...repo, provider: 'generic' }, tag, callOptions);
    return recentlyListed(repo, tag) ?? headDigest(repo, host, tag, callOptions);
  }

  return { listTags, resolveDigest };
};
