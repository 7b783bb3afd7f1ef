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

/**
 * Every tag of a repository, in registry order: `GET /v2/<name>/tags/list?n=…`, then every `Link` page to
 * the end; a page may hold fewer than `n` tags while a `Link` is present, so only the missing header ends it.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags
 */
export const listAllTags = async (
  deps: ListTagsDeps,
  repo: RegistryRepository,
  options: RegistryCallOptions = {},
): Promise<string[]> => {
  const target: RequestTarget = { registry: repo.registry, repository: repo.repository, subject: 'tag list' };
  const fetchPage = (url: string) =>
    deps.sendAuthorized({
      repo,
      method: 'GET',
      url,
      kind: 'tags',
      target,
      headers: { accept: 'application/json' },
      signal: options.signal,
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
  for (let page = 1; ; page++) {
    if (response.status !== 200) throw errorForResponse(target, response, { attempts: response.attempts });
    tags.push(...tagsOf(response, target));
    const next = nextPageUrl(response.headers.get('link'), url);
    if (next === undefined) return tags;
    const problem = visited.has(next)
      ? 'repeats a page'
      : page >= deps.maxPages
        ? `exceeds ${deps.maxPages} pages`
        : undefined;
    if (problem) {
      throw new UpstreamError(
        `${target.subject}: the registry's pagination ${problem} after ${tags.length} tags ${describeFailure(target)}`,
        {
          data: { registry: target.registry, repository: target.repository, pages: page, tags: tags.length },
        },
      );
    }
    visited.add(next);
    url = next;
    response = await fetchPage(url);
  }
};
