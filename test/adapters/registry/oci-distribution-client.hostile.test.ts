import { describe, expect, it } from 'vitest';
import { createOciRegistryClient } from '../../../lib/adapters/registry/oci-distribution-client.ts';
import { UpstreamError } from '../../../lib/domain/errors.ts';
import { repositoryAt } from './registry-repository.ts';
import { json, type StubHandler, type StubRegistry, startStubRegistry } from './stub-registry.ts';

/**
 * Issue 10 items 7 and 8: a registry that answers to hurt. Every stub is a real HTTP server on
 * 127.0.0.1; "another origin" is a second server on another port, which must never be asked anything.
 */

const client = (options: Parameters<typeof createOciRegistryClient>[0] = {}) =>
  createOciRegistryClient({ retry: { baseDelayMs: 1, maxDelayMs: 1 }, timeoutMs: 2_000, ...options });

const CREDENTIALS = { kind: 'basic', username: 'bot', password: 's3cret-pass' } as const;
const BASIC = `Basic ${Buffer.from('bot:s3cret-pass').toString('base64')}`;

const withStubs = async (
  handler: (other: StubRegistry) => StubHandler,
  run: (registry: StubRegistry, other: StubRegistry) => Promise<void>,
) => {
  const other = await startStubRegistry((_, response) => json(response, 200, { tags: ['internal'] }));
  const registry = await startStubRegistry(handler(other));
  try {
    await run(registry, other);
  } finally {
    await Promise.all([registry.stop(), other.stop()]);
  }
};

describe('redirects and Link headers (SSRF)', () => {
  it.each([
    ['tag list', 'tags/list'],
    ['digest HEAD', 'manifests/1.0'],
  ])('refuses a redirect of the %s to another origin, sending it nothing', async (_, path) => {
    await withStubs(
      (other) => (request, response) => {
        if (request.headers.authorization !== BASIC) {
          response.writeHead(401, { 'www-authenticate': 'Basic realm="stub"' });
          return response.end();
        }
        response.writeHead(302, { location: `${other.url}/latest/meta-data/iam/security-credentials/` });
        response.end();
      },
      async (registry, other) => {
        const repo = repositoryAt(registry.host, 'team/app', CREDENTIALS);
        const call = path === 'tags/list' ? client().listTags(repo) : client().resolveDigest(repo, '1.0');
        const error = await call.catch((e) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error.message).toContain(`redirects are not followed (registry ${registry.host}`);
        expect(error.message).toContain(other.url);
        expect(error.message).not.toContain('security-credentials');
        expect(other.requests).toEqual([]);
        // Not retried: a redirect is an answer, not an accident.
        expect(registry.requests.filter((r) => r.url.includes(path))).toHaveLength(2);
      },
    );
  });

  it('refuses a token service redirect, so credentials reach no third origin', async () => {
    let token: StubRegistry | undefined;
    await withStubs(
      () => (request, response) => {
        if (request.headers.authorization === undefined) {
          response.writeHead(401, {
            'www-authenticate': `Bearer realm="${token?.url}/token",service="stub"`,
          });
          return response.end();
        }
        json(response, 200, { tags: ['1.0'] });
      },
      async (registry, other) => {
        token = await startStubRegistry((_, response) => {
          response.writeHead(307, { location: `${other.url}/token` });
          response.end();
        });
        try {
          const error = await client()
            .listTags(repositoryAt(registry.host, 'team/app', CREDENTIALS))
            .catch((e) => e);
          expect(error).toBeInstanceOf(UpstreamError);
          expect(error.message).toContain(`the token service redirected a token request to ${other.url}`);
          expect(token.requests[0]?.headers.authorization).toBe(BASIC);
          expect(other.requests).toEqual([]);
        } finally {
          await token.stop();
        }
      },
    );
  });

  it('follows a Link on the registry origin but refuses one to another origin', async () => {
    await withStubs(
      (other) => (request, response) => {
        const last = new URL(request.url, 'http://stub').searchParams.get('last');
        if (last === null)
          return json(
            response,
            200,
            { tags: ['a'] },
            { link: '</v2/team/app/tags/list?last=a>; rel="next"' },
          );
        json(
          response,
          200,
          { tags: ['b'] },
          { link: `<${other.url}/v2/team/app/tags/list?last=b>; rel="next"` },
        );
      },
      async (registry, other) => {
        const error = await client()
          .listTags(repositoryAt(registry.host, 'team/app'))
          .catch((e) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error.message).toContain(`points to another origin (${other.url})`);
        expect(error.message).toContain('after 2 tags');
        expect(registry.requests).toHaveLength(2);
        expect(other.requests).toEqual([]);
      },
    );
  });
});

describe('bounded answers', () => {
  it('lists 130,000 tags sent in one page (a registry that ignores n) without overflowing the stack', async () => {
    const tags = Array.from({ length: 130_000 }, (_, i) => `1.0.${i}`);
    await withStubs(
      () => (_, response) => json(response, 200, { name: 'team/app', tags }),
      async (registry) => {
        const listed = await client().listTags(repositoryAt(registry.host, 'team/app'));
        expect(listed).toHaveLength(130_000);
        expect(listed[129_999]).toBe('1.0.129999');
      },
    );
  });

  it('stops reading a tag page at the default 16 MiB, mid-stream, without retrying it', async () => {
    const MiB = 1024 * 1024;
    let sent = 0;
    let closedEarly = false;
    await withStubs(
      () => (_, response) => {
        // A valid 40 MiB page, no Content-Length: only counting while reading can stop it.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"tags":["first"');
        const chunk = Buffer.from(',"x"'.repeat(64 * 1024)); // 256 KiB
        const writeMore = () => {
          while (sent < 40 * MiB) {
            sent += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', writeMore);
          }
          response.end(']}');
        };
        response.on('close', () => {
          closedEarly = sent < 40 * MiB;
        });
        writeMore();
      },
      async (registry) => {
        const error = await client()
          .listTags(repositoryAt(registry.host, 'team/app'))
          .catch((e) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error.message).toContain('exceeds the limit of 16777216 bytes for a tags request');
        expect(error.message).toContain(`registry ${registry.host}`);
        expect(error.data).toMatchObject({ limitBytes: 16 * MiB, kind: 'tags' });
        expect(registry.requests).toHaveLength(1);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(closedEarly).toBe(true);
      },
    );
  }, 10_000);

  it('refuses a declared Content-Length over the limit before reading', async () => {
    await withStubs(
      () => (_, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '2000' });
        response.end(`{"tags":[${'"a",'.repeat(498)}"a"]}`.padEnd(2000, ' '));
      },
      async (registry) => {
        const error = await client({ maxBodyBytes: { tags: 1000 } })
          .listTags(repositoryAt(registry.host, 'team/app'))
          .catch((e) => e);
        expect(error.message).toContain('exceeds the limit of 1000 bytes');
      },
    );
  });

  it('refuses a repository with more tags than maxTags across pages', async () => {
    await withStubs(
      () => (request, response) => {
        const page = Number(new URL(request.url, 'http://stub').searchParams.get('last') ?? '0');
        json(
          response,
          200,
          { tags: Array.from({ length: 600 }, (_, i) => `${page}.${i}`) },
          { link: `</v2/team/app/tags/list?last=${page + 1}>; rel="next"` },
        );
      },
      async (registry) => {
        const error = await client({ maxTags: 1000 })
          .listTags(repositoryAt(registry.host, 'team/app'))
          .catch((e) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error.message).toContain('more than 1000 tags (the limit)');
        expect(registry.requests).toHaveLength(2);
      },
    );
  });

  it('gives the whole listing a deadline: an endless slow pagination ends with a retryable error', async () => {
    await withStubs(
      () => (request, response) => {
        const page = Number(new URL(request.url, 'http://stub').searchParams.get('last') ?? '0');
        setTimeout(
          () =>
            json(
              response,
              200,
              { tags: [`t${page}`] },
              { link: `</v2/team/app/tags/list?last=${page + 1}>; rel="next"` },
            ),
          100,
        );
      },
      async (registry) => {
        const started = Date.now();
        const error = await client({ listDeadlineMs: 500 })
          .listTags(repositoryAt(registry.host, 'team/app'))
          .catch((e) => e);
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error.retryable).toBe(true);
        expect(error.message).toMatch(/did not finish within 500 ms \(\d+ pages, \d+ tags so far\)/);
        expect(error.message).toContain(`registry ${registry.host}`);
      },
    );
  }, 5_000);
});
