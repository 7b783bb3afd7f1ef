import { InvalidConfigError } from '../../domain/errors.ts';
import type { RegistryCallOptions, RegistryClient, RegistryRepository } from '../../ports/registry.ts';
import {
  abortableSleep,
  type BodyLimits,
  createHttpSender,
  type RegistryRequestInfo,
  type RetryPolicy,
} from './http-sender.ts';
import { listAllTags } from './list-tags.ts';
import { createRegistryAuth } from './registry-auth.ts';
import { resolveTagDigest } from './resolve-digest.ts';

export type { RegistryRequestInfo, RequestKind } from './http-sender.ts';

export interface OciRegistryClientOptions {
  /** Injected for tests and instrumentation; Node's global fetch otherwise. */
  readonly fetch?: typeof fetch;
  /** Milliseconds since the epoch; drives token expiry and `Retry-After` dates. */
  readonly clock?: () => number;
  readonly retry?: Partial<RetryPolicy>;
  /** Per attempt, body included. */
  readonly timeoutMs?: number;
  readonly userAgent?: string;
  /** Called after every HTTP exchange (retries and token requests included); never sees headers. */
  readonly onRequest?: (info: RegistryRequestInfo) => void;
  /** `n` of the first tags/list request; 1000 is what ECR accepts and go-containerregistry uses. */
  readonly pageSize?: number;
  /** Safety net against endless pagination. */
  readonly maxPages?: number;
  /** Tags of one repository, all pages together; more is an UpstreamError. */
  readonly maxTags?: number;
  /** One whole tag listing (every page, retry and token request); longer is a retryable UpstreamError. */
  readonly listDeadlineMs?: number;
  /** Largest body read per request kind; see `defaults.maxBodyBytes`. */
  readonly maxBodyBytes?: Partial<BodyLimits>;
}

const MiB = 1024 * 1024;

export const defaults = Object.freeze({
  fetch: (...args: Parameters<typeof fetch>) => fetch(...args),
  clock: () => Date.now(),
  retry: Object.freeze({
    attempts: 4,
    baseDelayMs: 250,
    maxDelayMs: 5_000,
    maxRetryAfterMs: 30_000,
    random: Math.random,
    sleep: abortableSleep,
  } satisfies RetryPolicy),
  timeoutMs: 15_000,
  userAgent: 'image-automation (oci-distribution-client)',
  pageSize: 1000,
  maxPages: 10_000,
  // 200,000 tags: the largest repositories we know of hold tens of thousands; a policy over more is
  // meaningless, and the list (a few MB) still fits a 1 GB worker many times over.
  maxTags: 200_000,
  listDeadlineMs: 60_000,
  /**
   * A hostile registry decides how much it sends: every body is read with a cap (README "Hostile
   * registries"). A page of 1000 tags is ~50 KB, so 16 MiB serves registries that ignore `n` and send
   * ~300,000 tags at once; tokens are a few KB (JWTs); the `/v2/` ping's body is not used. Manifests
   * would be 4 MiB (the Distribution spec's suggestion) but are never downloaded: digests come from HEAD.
   */
  maxBodyBytes: Object.freeze({
    tags: 16 * MiB,
    token: 1 * MiB,
    ping: 64 * 1024,
    'manifest-head': 0,
    other: 1 * MiB,
  } satisfies BodyLimits),
});

// OCI distribution spec name grammar; guards the URL path as much as the registry's own checks.
const REPOSITORY = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

/**
 * RegistryClient over the OCI Distribution API (any registry that is not ECR's own API): challenge-driven
 * auth with cached Bearer tokens, every tags/list page, HEAD-only digest resolution, bounded retries.
 *
 * @example
 * const registry = createOciRegistryClient({ timeoutMs: 5_000 });
 * const tags = await registry.listTags({ registry: 'ghcr.io', repository: 'org/app', insecure: false,
 *   provider: 'generic', credentials: { kind: 'anonymous' } });
 */
export const createOciRegistryClient = (options: OciRegistryClientOptions = {}): RegistryClient => {
  const clock = options.clock ?? defaults.clock;
  const retry: RetryPolicy = { ...defaults.retry, ...options.retry };
  if (!(retry.attempts >= 1))
    throw new InvalidConfigError('registry client: retry.attempts must be at least 1');
  const send = createHttpSender({
    fetch: options.fetch ?? defaults.fetch,
    maxBodyBytes: { ...defaults.maxBodyBytes, ...options.maxBodyBytes },
    clock,
    retry,
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    userAgent: options.userAgent ?? defaults.userAgent,
    onRequest: options.onRequest,
  });
  const sendAuthorized = createRegistryAuth({ send, clock });
  const pageSize = options.pageSize ?? defaults.pageSize;
  const listing = {
    pageSize,
    maxPages: options.maxPages ?? defaults.maxPages,
    maxTags: options.maxTags ?? defaults.maxTags,
    deadlineMs: options.listDeadlineMs ?? defaults.listDeadlineMs,
  };

  function checkRepository(repo: RegistryRepository): void {
    if (!REPOSITORY.test(repo.repository) || repo.registry === '' || /[/\s]/.test(repo.registry)) {
      throw new InvalidConfigError(
        `"${repo.registry}/${repo.repository}" is not a valid registry host and repository name`,
        { data: { registry: repo.registry, repository: repo.repository } },
      );
    }
  }

  async function listTags(repo: RegistryRepository, callOptions?: RegistryCallOptions): Promise<string[]> {
    checkRepository(repo);
    return listAllTags({ sendAuthorized, ...listing }, repo, callOptions);
  }

  async function resolveDigest(
    repo: RegistryRepository,
    tag: string,
    callOptions?: RegistryCallOptions,
  ): Promise<string> {
    checkRepository(repo);
    return resolveTagDigest({ sendAuthorized }, repo, tag, callOptions);
  }

  return { listTags, resolveDigest };
};
