import { UpstreamError } from '../../domain/errors.ts';
import type { RegistryCallOptions, RegistryRepository } from '../../ports/registry.ts';
import type { RegistryResponse } from './http-sender.ts';
import { nextPageUrl } from './link-header.ts';
import type { AuthorizedRequest } from './registry-auth.ts';
import { repositoryUrl } from './registry-endpoint.ts';
import {
  describeFailure,
  errorForResponse,
  type RequestTarget,
  registryErrorDetails,
} from './registry-errors.ts';

export interface ListTagsDeps {
  readonly sendAuthorized: (request: AuthorizedRequest) => Promise<RegistryResponse>;
  readonly pageSize: number;
  readonly maxPages: number;
  /** Tags of one repository, all pages together. */
  readonly maxTags: number;
  /** The whole listing, every page, retry and token request included. */
  readonly deadlineMs: number;
}

// Registries that cap `n` lower than asked (quay.io: 100, Flux IRC#585) answer with one of these.
const PAGE_SIZE_REJECTED = new Set(['TOO_MANY_TAGS_REQUESTED', 'PAGINATION_NUMBER_INVALID']);

const rejectsPageSize = (response: RegistryResponse): boolean =>
  response.status === 400 || registryErrorDetails(response.body).some((d) => PAGE_SIZE_REJECTED.has(d.code));

const tagsOf = (response: RegistryResponse, target: RequestTarget): readonly string[] => {
  let parsed: { tags?: unknown } | null = null;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    // reported below
  }
  // distribution answers `"tags": null` for a repository whose tags were all deleted.
  const tags = parsed?.tags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) {
    throw new UpstreamError(
      `${target.subject}: the registry sent a malformed tag list ${describeFailure(target, response.status)}`,
      {
        data: { registry: target.registry, repository: target.repository, status: response.status },
      },
    );
  }
  return tags as string[];
};

const failure = (target: RequestTarget, problem: string, data: Readonly<Record<string, unknown>>) =>
  new UpstreamError(`${target.subject}: ${problem} ${describeFailure(target)}`, {
    data: { registry: target.registry, repository: target.repository, ...data },
  });

/**
 * Every tag of a repository, in registry order: `GET /v2/<name>/tags/list?n=…`, then every `Link` page to
 * the end; a page may hold fewer than `n` tags while a `Link` is present, so only the missing header ends it.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags
 *
 * Bounded against a hostile registry (ARCHITECTURE rule 12): a `Link` is followed on the registry's own
 * origin only (anywhere else would make the worker fetch an address of the registry's choosing), at most
 * `maxPages` pages and `maxTags` tags, all within `deadlineMs`; each page's size is capped by the sender.
 */
export const listAllTags = async (
  deps: ListTagsDeps,
  repo: RegistryRepository,
  options: RegistryCallOptions = {},
): Promise<string[]> => {
  const target: RequestTarget = { registry: repo.registry, repository: repo.repository, subject: 'tag list' };
  const deadline = AbortSignal.timeout(deps.deadlineMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const progress = { pages: 0, tags: 0 };
  try {
    return await listPages(deps, repo, target, signal, progress);
  } catch (error) {
    if (!deadline.aborted || options.signal?.aborted) throw error;
    throw failure(
      target,
      `the listing did not finish within ${deps.deadlineMs} ms (${progress.pages} pages, ${progress.tags} tags so far)`,
      { deadlineMs: deps.deadlineMs, pages: progress.pages, tags: progress.tags },
    );
  }
};

const listPages = async (
  deps: ListTagsDeps,
  repo: RegistryRepository,
  target: RequestTarget,
  signal: AbortSignal,
  progress: { pages: number; tags: number },
): Promise<string[]> => {
  const fetchPage = (url: string) =>
    deps.sendAuthorized({
      repo,
      method: 'GET',
      url,
      kind: 'tags',
      target,
      headers: { accept: 'application/json' },
      signal,
    });

  const unpaged = repositoryUrl(repo, 'tags/list');
  let url = `${unpaged}?n=${deps.pageSize}`;
  let response = await fetchPage(url);
  if (response.status !== 200 && rejectsPageSize(response)) {
    url = unpaged;
    response = await fetchPage(url);
  }
  const tags: string[] = [];
  const visited = new Set<string>([url]);
  const origin = new URL(unpaged).origin;
  for (let page = 1; ; page++) {
    if (response.status !== 200) throw errorForResponse(target, response, { attempts: response.attempts });
    const listed = tagsOf(response, target);
    if (tags.length + listed.length > deps.maxTags) {
      throw failure(target, `the repository lists more than ${deps.maxTags} tags (the limit)`, {
        maxTags: deps.maxTags,
        pages: page,
      });
    }
    // A loop, not push(...listed): registries that ignore `n` send 125,000+ tags in one page.
    for (const tag of listed) tags.push(tag);
    progress.pages = page;
    progress.tags = tags.length;
    const next = nextPageUrl(response.headers.get('link'), url);
    if (next === undefined) return tags;
    const nextOrigin = new URL(next).origin;
    const problem =
      nextOrigin !== origin
        ? `points to another origin (${nextOrigin}); only the registry's own is followed`
        : visited.has(next)
          ? 'repeats a page'
          : page >= deps.maxPages
            ? `exceeds ${deps.maxPages} pages`
            : undefined;
    if (problem) {
      throw failure(target, `the registry's pagination ${problem} after ${tags.length} tags`, {
        pages: page,
        tags: tags.length,
      });
    }
    visited.add(next);
    url = next;
    response = await fetchPage(url);
  }
};
