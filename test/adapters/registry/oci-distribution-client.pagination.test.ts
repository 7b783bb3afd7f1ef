import { describe, expect, it } from 'vitest';
import { createOciRegistryClient } from '../../../lib/adapters/registry/oci-distribution-client.ts';
import { NotFoundError, UpstreamError } from '../../../lib/domain/errors.ts';
import { repositoryAt } from './registry-repository.ts';
import { json, type StubHandler, startStubRegistry } from './stub-registry.ts';

const client = (options: { maxPages?: number } = {}) =>
  createOciRegistryClient({ retry: { baseDelayMs: 1, maxDelayMs: 1 }, timeoutMs: 2_000, ...options });

const withStub = async <T>(
  handler: StubHandler,
  run: (stub: Awaited<ReturnType<typeof startStubRegistry>>) => Promise<T>,
) => {
  const stub = await startStubRegistry(handler);
  try {
    return await run(stub);
  } finally {
    await stub.stop();
  }
};

describe('listTags pagination (OCI distribution spec, Link header)', () => {
  it('follows absolute, root-relative and path-relative Link headers to the last page', async () => {
    await withStub(
      (request, response) => {
        const url = new URL(request.url, 'http://stub');
        const last = url.searchParams.get('last');
        if (last === null) {
          json(
            response,
            200,
            { name: 'team/app', tags: ['b', 'a'] },
            {
              link: `<http://${request.headers.host}/v2/team/app/tags/list?last=a&n=2>; rel="next"`,
            },
          );
        } else if (last === 'a') {
          // fewer than n tags while a Link is present: must not stop here
          json(
            response,
            200,
            { name: 'team/app', tags: ['c'] },
            { link: '</v2/team/app/tags/list?last=c&n=2>; rel="next"' },
          );
        } else if (last === 'c') {
          json(
            response,
            200,
            { name: 'team/app', tags: ['e', 'd'] },
            { link: '<list?last=d&n=2>; rel="next"' },
          );
        } else {
          json(response, 200, { name: 'team/app', tags: ['f'] });
        }
      },
      async (stub) => {
        expect(await client().listTags(repositoryAt(stub.host, 'team/app'))).toEqual([
          'b',
          'a',
          'c',
          'e',
          'd',
          'f',
        ]);
        expect(stub.requests.map((r) => r.url)).toEqual([
          '/v2/team/app/tags/list?n=1000',
          '/v2/team/app/tags/list?last=a&n=2',
          '/v2/team/app/tags/list?last=c&n=2',
          '/v2/team/app/tags/list?last=d&n=2',
        ]);
      },
    );
  });

  it.each([
    [400, 'TOO_MANY_TAGS_REQUESTED'],
    [400, 'PAGINATION_NUMBER_INVALID'],
    [400, 'SOMETHING_ELSE'],
    [422, 'TOO_MANY_TAGS_REQUESTED'],
  ])('retries once without n when the registry answers %i %s', async (status, code) => {
    await withStub(
      (request, response) => {
        if (request.url.includes('n='))
          json(response, status, { errors: [{ code, message: 'n too large' }] });
        else json(response, 200, { name: 'team/app', tags: ['1.0.0'] });
      },
      async (stub) => {
        expect(await client().listTags(repositoryAt(stub.host, 'team/app'))).toEqual(['1.0.0']);
        expect(stub.requests.map((r) => r.url)).toEqual([
          '/v2/team/app/tags/list?n=1000',
          '/v2/team/app/tags/list',
        ]);
      },
    );
  });

  it('does not retry without n for a missing repository', async () => {
    await withStub(
      (_, response) =>
        json(response, 404, {
          errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }],
        }),
      async (stub) => {
        const error = await client()
          .listTags(repositoryAt(stub.host, 'team/app'))
          .catch((e) => e);
        expect(error).toBeInstanceOf(NotFoundError);
        expect(error.message).toBe(
          `tag list not found (registry ${stub.host}, repository team/app, HTTP 404 NAME_UNKNOWN: repository name not known to registry)`,
        );
        expect(stub.requests).toHaveLength(1);
      },
    );
  });

  it('reads "tags": null as an empty list', async () => {
    await withStub(
      (_, response) => json(response, 200, { name: 'team/app', tags: null }),
      async (stub) => expect(await client().listTags(repositoryAt(stub.host, 'team/app'))).toEqual([]),
    );
  });

  it('rejects a malformed tag list', async () => {
    await withStub(
      (_, response) => json(response, 200, { name: 'team/app', tags: [1, 2] }),
      async (stub) => {
        await expect(client().listTags(repositoryAt(stub.host, 'team/app'))).rejects.toThrow(
          /malformed tag list/,
        );
      },
    );
  });

  it('stops a Link loop with a clear UpstreamError', async () => {
    await withStub(
      (_, response) =>
        json(response, 200, { tags: ['x'] }, { link: '</v2/team/app/tags/list?last=x>; rel="next"' }),
      async (stub) => {
        const error = await client()
          .listTags(repositoryAt(stub.host, 'team/app'))
          .catch((e) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error.message).toContain('pagination repeats a page');
        expect(error.message).toContain(`registry ${stub.host}, repository team/app`);
      },
    );
  });

  it('gives up after maxPages pages', async () => {
    let page = 0;
    await withStub(
      (_, response) => {
        page++;
        json(
          response,
          200,
          { tags: [`t${page}`] },
          { link: `</v2/team/app/tags/list?last=t${page}>; rel="next"` },
        );
      },
      async (stub) => {
        const error = await client({ maxPages: 3 })
          .listTags(repositoryAt(stub.host, 'team/app'))
          .catch((e) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error.message).toContain('exceeds 3 pages after 3 tags');
        expect(stub.requests).toHaveLength(3);
      },
    );
  });
});
