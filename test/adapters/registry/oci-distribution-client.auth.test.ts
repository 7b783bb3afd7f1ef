import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  createOciRegistryClient,
  type OciRegistryClientOptions,
  type RegistryRequestInfo,
} from '../../../lib/adapters/registry/oci-distribution-client.ts';
import { AuthError, UpstreamError } from '../../../lib/domain/errors.ts';
import type { RegistryCredentials } from '../../../lib/ports/registry.ts';
import { repositoryAt } from './registry-repository.ts';
import { json, type StubHandler, type StubRequest, startStubRegistry } from './stub-registry.ts';

const DIGEST = `sha256:${'cd'.repeat(32)}`;
const CREDENTIALS: RegistryCredentials = { kind: 'basic', username: 'bot', password: 's3cret-pass' };

const harness = (options: OciRegistryClientOptions = {}) => {
  const requests: RegistryRequestInfo[] = [];
  const client = createOciRegistryClient({
    timeoutMs: 2_000,
    retry: { baseDelayMs: 1, maxDelayMs: 1 },
    onRequest: (info) => requests.push(info),
    ...options,
  });
  return { client, requests };
};

const withStub = async (
  handler: StubHandler,
  run: (host: string, requests: StubRequest[]) => Promise<void>,
) => {
  const stub = await startStubRegistry(handler);
  try {
    await run(stub.host, stub.requests);
  } finally {
    await stub.stop();
  }
};

const digestOk = (response: ServerResponse) => {
  response.writeHead(200, { 'docker-content-digest': DIGEST });
  response.end();
};

/** A registry whose token service lives on the same host; `issue(n)` decides the n-th token answer. */
const tokenRegistry = (
  issue: (n: number, request: StubRequest, response: ServerResponse) => void,
  accepts: (authorization: string | undefined) => boolean,
  challenge = (host: string) =>
    `Bearer realm="http://${host}/token?client=x",service="stub-registry",scope="repository:team/app:pull"`,
): StubHandler => {
  let tokens = 0;
  return (request, response) => {
    if (request.url.startsWith('/token')) return issue(++tokens, request, response);
    if (!accepts(request.headers.authorization)) {
      response.writeHead(401, { 'www-authenticate': challenge(request.headers.host ?? '') });
      return response.end();
    }
    if (request.url.includes('/tags/list')) return json(response, 200, { tags: ['1.0.0'] });
    digestOk(response);
  };
};

describe('registry auth (distribution token spec)', () => {
  it('sends Basic credentials to the realm, keeps its query, and uses access_token', async () => {
    await withStub(
      tokenRegistry(
        (_, __, response) => json(response, 200, { access_token: 'tok-1' }),
        (auth) => auth === 'Bearer tok-1',
      ),
      async (host, seen) => {
        const { client, requests } = harness();
        expect(await client.resolveDigest(repositoryAt(host, 'team/app', CREDENTIALS), '1.0.0')).toBe(DIGEST);
        const tokenRequest = seen.find((r) => r.url.startsWith('/token'));
        const url = new URL(tokenRequest?.url ?? '', 'http://stub');
        expect(Object.fromEntries(url.searchParams)).toEqual({
          client: 'x',
          service: 'stub-registry',
          scope: 'repository:team/app:pull',
        });
        expect(tokenRequest?.headers.authorization).toBe(
          `Basic ${Buffer.from('bot:s3cret-pass').toString('base64')}`,
        );
        expect(JSON.stringify(requests)).not.toContain('s3cret');
        expect(JSON.stringify(requests)).not.toContain('tok-1');
      },
    );
  });

  it('remembers Bearer per registry and caches the token until shortly before expires_in (default 60 s)', async () => {
    let now = 1_000_000;
    await withStub(
      tokenRegistry(
        (n, _, response) => json(response, 200, { token: `tok-${n}` }),
        (auth) => auth?.startsWith('Bearer tok-') ?? false,
      ),
      async (host, seen) => {
        const { client } = harness({ clock: () => now });
        const repo = repositoryAt(host, 'team/app', CREDENTIALS);
        await client.resolveDigest(repo, '1.0.0');
        now += 45_000;
        await client.resolveDigest(repo, '1.0.0');
        now += 10_000; // 55 s: inside the renewal margin
        await client.resolveDigest(repo, '1.0.0');
        expect(
          seen.map((r) => `${r.method} ${r.url.split('?')[0]} ${r.headers.authorization ?? '-'}`),
        ).toEqual([
          'HEAD /v2/team/app/manifests/1.0.0 -',
          `GET /token ${seen[1]?.headers.authorization}`,
          'HEAD /v2/team/app/manifests/1.0.0 Bearer tok-1',
          'HEAD /v2/team/app/manifests/1.0.0 Bearer tok-1',
          `GET /token ${seen[1]?.headers.authorization}`,
          'HEAD /v2/team/app/manifests/1.0.0 Bearer tok-2',
        ]);
      },
    );
  });

  it('fetches one fresh token when the registry refuses a cached one', async () => {
    let accepted = 'tok-1';
    await withStub(
      tokenRegistry(
        (n, _, response) => json(response, 200, { token: `tok-${n}`, expires_in: 300 }),
        (auth) => auth === `Bearer ${accepted}`,
      ),
      async (host) => {
        const { client, requests } = harness();
        const repo = repositoryAt(host, 'team/app', CREDENTIALS);
        await client.resolveDigest(repo, '1.0.0');
        accepted = 'tok-2'; // revoked server-side
        requests.length = 0;
        expect(await client.resolveDigest(repo, '1.0.0')).toBe(DIGEST);
        expect(requests.map((r) => `${r.kind} ${r.status}`)).toEqual([
          'manifest-head 401',
          'token 200',
          'manifest-head 200',
        ]);
      },
    );
  });

  it('keeps tokens apart per scope and per credentials', async () => {
    await withStub(
      tokenRegistry(
        (n, _, response) => json(response, 200, { token: `tok-${n}`, expires_in: 300 }),
        (auth) => auth?.startsWith('Bearer ') ?? false,
      ),
      async (host) => {
        const { client, requests } = harness();
        await client.resolveDigest(repositoryAt(host, 'team/app', CREDENTIALS), '1.0.0');
        await client.resolveDigest(repositoryAt(host, 'team/other', CREDENTIALS), '1.0.0');
        await client.resolveDigest(repositoryAt(host, 'team/app', { kind: 'anonymous' }), '1.0.0');
        await client.resolveDigest(repositoryAt(host, 'team/app', CREDENTIALS), '1.0.0');
        expect(requests.filter((r) => r.kind === 'token')).toHaveLength(3);
      },
    );
  });

  it('shares one token request between concurrent calls', async () => {
    await withStub(
      tokenRegistry(
        (n, _, response) => setTimeout(() => json(response, 200, { token: `tok-${n}` }), 30),
        (auth) => auth?.startsWith('Bearer tok-') ?? false,
      ),
      async (host) => {
        const { client, requests } = harness();
        const repo = repositoryAt(host, 'team/app', CREDENTIALS);
        await Promise.all([
          client.resolveDigest(repo, '1.0.0'),
          client.listTags(repo),
          client.resolveDigest(repo, '1.0.0'),
        ]);
        expect(requests.filter((r) => r.kind === 'token')).toHaveLength(1);
      },
    );
  });

  it('lets one caller abort while another still gets the shared token', async () => {
    await withStub(
      tokenRegistry(
        (n, _, response) => setTimeout(() => json(response, 200, { token: `tok-${n}` }), 200),
        (auth) => auth?.startsWith('Bearer tok-') ?? false,
      ),
      async (host) => {
        const { client, requests } = harness();
        const repo = repositoryAt(host, 'team/app', CREDENTIALS);
        const controller = new AbortController();
        const impatient = client.resolveDigest(repo, '1.0.0', { signal: controller.signal });
        const patient = client.resolveDigest(repo, '1.0.0');
        setTimeout(() => controller.abort(new Error('gone')), 50);
        await expect(impatient).rejects.toThrow('gone');
        expect(await patient).toBe(DIGEST);
        expect(requests.filter((r) => r.kind === 'token')).toHaveLength(1);
      },
    );
  });

  it('pings /v2/ for the challenge when a 401 carries none', async () => {
    await withStub(
      (request, response) => {
        if (request.url === '/token?service=s&scope=repository%3Ateam%2Fapp%3Apull')
          return json(response, 200, { token: 't' });
        if (request.headers.authorization === 'Bearer t') return digestOk(response);
        if (request.url === '/v2/') {
          response.writeHead(401, {
            'www-authenticate': `Bearer realm="http://${request.headers.host}/token",service="s"`,
          });
          return response.end();
        }
        response.writeHead(401);
        response.end();
      },
      async (host) => {
        const { client, requests } = harness();
        expect(await client.resolveDigest(repositoryAt(host, 'team/app'), '1.0.0')).toBe(DIGEST);
        expect(requests.map((r) => `${r.kind} ${r.status}`)).toEqual([
          'manifest-head 401',
          'ping 401',
          'token 200',
          'manifest-head 200',
        ]);
      },
    );
  });

  it('answers a Basic challenge with the configured credentials', async () => {
    const expected = `Basic ${Buffer.from('bot:s3cret-pass').toString('base64')}`;
    await withStub(
      (request, response) => {
        if (request.headers.authorization === expected) return json(response, 200, { tags: ['a'] });
        response.writeHead(401, { 'www-authenticate': 'Basic realm="stub"' });
        response.end();
      },
      async (host) => {
        const { client } = harness();
        expect(await client.listTags(repositoryAt(host, 'team/app', CREDENTIALS))).toEqual(['a']);
        const error = await client
          .listTags(repositoryAt(host, 'team/app', { kind: 'identity-token', token: 'x' }))
          .catch((e) => e);
        expect(error).toBeInstanceOf(AuthError);
        expect(error.message).toContain('identity token needs a Bearer token service');
      },
    );
  });

  it('maps a token service refusal to AuthError without leaking the password', async () => {
    await withStub(
      tokenRegistry(
        (_, __, response) =>
          json(response, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad creds' }] }),
        () => false,
      ),
      async (host) => {
        const { client } = harness();
        const error = await client.listTags(repositoryAt(host, 'team/app', CREDENTIALS)).catch((e) => e);
        expect(error).toBeInstanceOf(AuthError);
        expect(error.message).toBe(
          `tag list: the token service ${host} refused the credentials (registry ${host}, repository team/app, HTTP 401 UNAUTHORIZED: bad creds)`,
        );
        expect(JSON.stringify({ ...error.toJSON(), cause: String(error.cause) })).not.toContain('s3cret');
      },
    );
  });

  it('retries a failing token service and reports a token-less answer as UpstreamError', async () => {
    await withStub(
      tokenRegistry(
        (n, _, response) => (n === 1 ? json(response, 503, {}) : json(response, 200, { expires_in: 60 })),
        () => false,
      ),
      async (host) => {
        const { client, requests } = harness();
        const error = await client.listTags(repositoryAt(host, 'team/app', CREDENTIALS)).catch((e) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error.message).toContain('answered without a token');
        expect(requests.map((r) => `${r.kind} ${r.status}`)).toEqual(['tags 401', 'token 503', 'token 200']);
      },
    );
  });

  it('maps 403 to AuthError', async () => {
    await withStub(
      (_, response) =>
        json(response, 403, {
          errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }],
        }),
      async (host) => {
        const error = await harness()
          .client.listTags(repositoryAt(host, 'team/app'))
          .catch((e) => e);
        expect(error).toBeInstanceOf(AuthError);
        expect(error.message).toContain('HTTP 403 DENIED');
      },
    );
  });

  it('never sends anything, credentials least, to another origin named by a Link header', async () => {
    const other = await startStubRegistry((_, response) => json(response, 200, { tags: ['from-other'] }));
    try {
      const expected = `Basic ${Buffer.from('bot:s3cret-pass').toString('base64')}`;
      await withStub(
        (request, response) => {
          if (request.headers.authorization !== expected) {
            response.writeHead(401, { 'www-authenticate': 'Basic realm="stub"' });
            return response.end();
          }
          json(
            response,
            200,
            { tags: ['here'] },
            { link: `<${other.url}/v2/team/app/tags/list?last=here>; rel="next"` },
          );
        },
        async (host) => {
          // Not even without credentials: a Link off the registry's origin is refused (issue 10 item 7).
          const error = await harness()
            .client.listTags(repositoryAt(host, 'team/app', CREDENTIALS))
            .catch((e) => e);
          expect(error.message).toContain(`points to another origin (${other.url})`);
          expect(other.requests).toEqual([]);
        },
      );
    } finally {
      await other.stop();
    }
  });
});
