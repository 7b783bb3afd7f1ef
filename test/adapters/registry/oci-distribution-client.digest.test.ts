import { describe, expect, it } from 'vitest';
import { createOciRegistryClient } from '../../../lib/adapters/registry/oci-distribution-client.ts';
import { InvalidConfigError, NotFoundError, UpstreamError } from '../../../lib/domain/errors.ts';
import type { RegistryRepository } from '../../../lib/ports/registry.ts';
import { repositoryAt } from './registry-repository.ts';

/** A fetch that answers from a function and records what was asked; no sockets. */
const fakeFetch = (answer: (url: string, init: RequestInit) => Response) => {
  const calls: { url: string; method: string; headers: Headers }[] = [];
  const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = String(input);
    calls.push({ url, method: init.method ?? 'GET', headers: new Headers(init.headers) });
    return answer(url, init);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
};

const DIGEST = `sha256:${'0f'.repeat(32)}`;
const withDigest = (digest: string | undefined, status = 200) =>
  new Response(null, { status, headers: digest === undefined ? {} : { 'docker-content-digest': digest } });

const repo = (registry: string, insecure = false): RegistryRepository => ({
  registry,
  repository: 'library/alpine',
  insecure,
  provider: 'generic',
  credentials: { kind: 'anonymous' },
});

describe('resolveDigest', () => {
  it('sends one HEAD accepting OCI index, Docker list, OCI manifest and Docker v2 manifest', async () => {
    const { fetch, calls } = fakeFetch(() => withDigest(DIGEST));
    expect(await createOciRegistryClient({ fetch }).resolveDigest(repo('ghcr.io'), '3.20')).toBe(DIGEST);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe('HEAD');
    expect(calls[0]?.url).toBe('https://ghcr.io/v2/library/alpine/manifests/3.20');
    expect(calls[0]?.headers.get('accept')).toBe(
      'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, ' +
        'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    );
    expect(calls[0]?.headers.get('user-agent')).toMatch(/image-automation/);
  });

  it.each([
    ['index.docker.io', false, 'https://registry-1.docker.io'],
    ['docker.io', false, 'https://registry-1.docker.io'],
    ['registry.example.com:5000', true, 'http://registry.example.com:5000'],
    ['registry.example.com', false, 'https://registry.example.com'],
    ['localhost:5000', false, 'http://localhost:5000'],
    ['127.0.0.1:5000', false, 'http://127.0.0.1:5000'],
    ['[::1]:5000', false, 'http://[::1]:5000'],
  ])('sends API calls for %s (insecure %s) to %s', async (registry, insecure, origin) => {
    const { fetch, calls } = fakeFetch(() => withDigest(DIGEST));
    await createOciRegistryClient({ fetch }).resolveDigest(repo(registry, insecure), 'latest');
    expect(calls[0]?.url).toBe(`${origin}/v2/library/alpine/manifests/latest`);
  });

  it('returns the header verbatim, including non-sha256 algorithms', async () => {
    const sha512 = `sha512:${'a'.repeat(128)}`;
    const { fetch } = fakeFetch(() => withDigest(sha512));
    expect(await createOciRegistryClient({ fetch }).resolveDigest(repo('ghcr.io'), '1')).toBe(sha512);
  });

  it('fails clearly when the registry does not report a digest, without a GET fallback', async () => {
    const { fetch, calls } = fakeFetch(() => withDigest(undefined));
    const error = await createOciRegistryClient({ fetch })
      .resolveDigest(repo('ghcr.io'), '1')
      .catch((e) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(
      'tag "1": the registry did not report a digest (no Docker-Content-Digest header on HEAD) (registry ghcr.io, repository library/alpine, HTTP 200)',
    );
    expect(calls.map((c) => c.method)).toEqual(['HEAD']);
  });

  it.each(['sha256:abc', `sha256:${'A'.repeat(64)}`, 'not a digest', 'sha256'])(
    'rejects a malformed digest %s',
    async (bad) => {
      const { fetch } = fakeFetch(() => withDigest(bad));
      await expect(createOciRegistryClient({ fetch }).resolveDigest(repo('ghcr.io'), '1')).rejects.toThrow(
        /malformed digest/,
      );
    },
  );

  it('maps a HEAD 404 to NotFoundError naming the tag', async () => {
    const { fetch } = fakeFetch(() => withDigest(undefined, 404));
    const error = await createOciRegistryClient({ fetch })
      .resolveDigest(repo('ghcr.io'), '9.9.9')
      .catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe(
      'tag "9.9.9" not found (registry ghcr.io, repository library/alpine, HTTP 404)',
    );
  });

  it.each([
    [
      'a tag with a path',
      (c: ReturnType<typeof createOciRegistryClient>) => c.resolveDigest(repositoryAt('h:1', 'a'), '../x'),
    ],
    [
      'an upper-case repository',
      (c: ReturnType<typeof createOciRegistryClient>) => c.listTags(repositoryAt('h:1', 'Team/App')),
    ],
    [
      'a registry with a slash',
      (c: ReturnType<typeof createOciRegistryClient>) => c.listTags(repositoryAt('h/x', 'a')),
    ],
  ])('refuses %s as InvalidConfigError before any request', async (_, call) => {
    const { fetch, calls } = fakeFetch(() => withDigest(DIGEST));
    await expect(call(createOciRegistryClient({ fetch }))).rejects.toBeInstanceOf(InvalidConfigError);
    expect(calls).toHaveLength(0);
  });

  it('refuses retry.attempts below 1', () => {
    expect(() => createOciRegistryClient({ retry: { attempts: 0 } })).toThrow(InvalidConfigError);
  });
});
