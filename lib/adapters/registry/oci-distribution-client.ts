import { InvalidConfigError } from '../../domain/errors.ts';
import type { RegistryCallOptions, RegistryClient, RegistryRepository } from '../../ports/registry.ts';
import {
  abortableSleep,
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
}

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
    clock,
    retry,
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    userAgent: options.userAgent ?? defaults.userAgent,
    onRequest: options.onRequest,
  });
  const sendAuthorized = createRegistryAuth({ send, clock });
  const pageSize = options.pageSize ?? defaults.pageSize;
  const maxPages = options.maxPages ?? defaults.maxPages;

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
    return listAllTags({ sendAuthorized, pageSize, maxPages }, repo, callOptions);
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
