import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  createOciRegistryClient,
  type OciRegistryClientOptions,
  type RegistryRequestInfo,
} from '../../../lib/adapters/registry/oci-distribution-client.ts';
import { UpstreamError } from '../../../lib/domain/errors.ts';
import { repositoryAt } from './registry-repository.ts';
import { json, type StubHandler, startStubRegistry } from './stub-registry.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** Records requested sleeps instead of sleeping: the suite stays fast and the delays are assertable. */
const harness = (options: OciRegistryClientOptions = {}) => {
  const sleeps: number[] = [];
  const requests: RegistryRequestInfo[] = [];
  const client = createOciRegistryClient({
    timeoutMs: 300,
    onRequest: (info) => requests.push(info),
    ...options,
    retry: {
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      random: () => 1,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...options.retry,
    },
  });
  return { client, sleeps, requests };
};

const withStub = async (handler: StubHandler, run: (host: string) => Promise<void>) => {
  const stub = await startStubRegistry(handler);
  try {
    await run(stub.host);
  } finally {
    await stub.stop();
  }
};

type Failure = (response: ServerResponse, socket: Socket, attempt: number) => void;

/** Answers the HEAD with a digest from the `okFrom`-th request on; earlier requests get `fail`. */
const failingThenOk = (okFrom: number, fail: Failure): StubHandler => {
  let attempt = 0;
  return (_, response, socket) => {
    attempt++;
    if (attempt < okFrom) return fail(response, socket, attempt);
    response.writeHead(200, {
      'docker-content-digest': DIGEST,
      'content-type': 'application/vnd.oci.image.index.v1+json',
    });
    response.end();
  };
};

describe('retries', () => {
  it('waits for Retry-After seconds on 429, then succeeds', async () => {
    await withStub(
      failingThenOk(2, (response) =>
        json(response, 429, { errors: [{ code: 'TOOMANYREQUESTS' }] }, { 'retry-after': '2' }),
      ),
      async (host) => {
        const { client, sleeps, requests } = harness();
        expect(await client.resolveDigest(repositoryAt(host, 'team/app'), '1.0.0')).toBe(DIGEST);
        expect(sleeps).toEqual([2_000]);
        expect(requests.map((r) => r.status)).toEqual([429, 200]);
      },
    );
  });

  it('reads Retry-After as an HTTP date against the injected clock', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    await withStub(
      failingThenOk(2, (response) =>
        json(response, 503, {}, { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }),
      ),
      async (host) => {
        const { client, sleeps } = harness({ clock: () => now });
        expect(await client.resolveDigest(repositoryAt(host, 'team/app'), '1.0.0')).toBe(DIGEST);
        expect(sleeps).toEqual([5_000]);
      },
    );
  });

  it('does not wait for a Retry-After beyond the cap: UpstreamError carries the hint', async () => {
    await withStub(
      (_, response) =>
        json(
          response,
          429,
          { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] },
          { 'retry-after': '3600' },
        ),
      async (host) => {
        const { client, sleeps, requests } = harness({ retry: { maxRetryAfterMs: 60_000 } });
        const error = await client.listTags(repositoryAt(host, 'team/app')).catch((e) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error.data).toMatchObject({
          status: 429,
          retryAfterMs: 3_600_000,
          registryErrorCodes: ['TOOMANYREQUESTS'],
        });
        expect(sleeps).toEqual([]);
        expect(requests).toHaveLength(1);
      },
    );
  });

  it('backs off exponentially with jitter on 500 and 502, then succeeds', async () => {
    await withStub(
      failingThenOk(3, (response, _, attempt) => json(response, attempt === 1 ? 500 : 502, {})),
      async (host) => {
        const { client, sleeps } = harness({ retry: { random: () => 0.5 } });
        expect(await client.resolveDigest(repositoryAt(host, 'team/app'), '1.0.0')).toBe(DIGEST);
        expect(sleeps).toEqual([75, 150]);
      },
    );
  });

  it('retries an attempt that timed out', async () => {
    await withStub(
      failingThenOk(2, () => {
        // never answer: the client's per-attempt timeout must fire
      }),
      async (host) => {
        const { client, requests } = harness({ timeoutMs: 100 });
        expect(await client.resolveDigest(repositoryAt(host, 'team/app'), '1.0.0')).toBe(DIGEST);
        expect(requests.map((r) => r.status)).toEqual([0, 200]);
      },
    );
  });

  it('fails with "timed out" once every attempt timed out', async () => {
    await withStub(
      () => {},
      async (host) => {
        const { client, requests } = harness({ timeoutMs: 50, retry: { attempts: 2 } });
        const error = await client.resolveDigest(repositoryAt(host, 'team/app'), '1.0.0').catch((e) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error.message).toBe(
          `tag "1.0.0": timed out after 50 ms after 2 attempts (registry ${host}, repository team/app)`,
        );
        expect(requests).toHaveLength(2);
      },
    );
  });

  it('retries a connection reset', async () => {
    await withStub(
      failingThenOk(2, (_, socket) => socket.destroy()),
      async (host) => {
        const { client, requests } = harness();
        expect(await client.resolveDigest(repositoryAt(host, 'team/app'), '1.0.0')).toBe(DIGEST);
        expect(requests.map((r) => r.status)).toEqual([0, 200]);
      },
    );
  });

  it('gives up after the configured attempts with an UpstreamError naming host, repository and status', async () => {
    await withStub(
      (_, response) => json(response, 503, { errors: [{ code: 'UNAVAILABLE', message: 'maintenance' }] }),
      async (host) => {
        const { client, requests, sleeps } = harness();
        const error = await client.listTags(repositoryAt(host, 'team/app')).catch((e) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error.retryable).toBe(true);
        expect(error.message).toBe(
          `tag list: the registry failed after 4 attempts (registry ${host}, repository team/app, HTTP 503 UNAVAILABLE: maintenance)`,
        );
        expect(error.data).toMatchObject({
          registry: host,
          repository: 'team/app',
          status: 503,
          attempts: 4,
        });
        expect(requests).toHaveLength(4);
        expect(sleeps).toEqual([100, 200, 400]);
      },
    );
  });

  it('does not retry a plain 4xx', async () => {
    await withStub(
      (_, response) => json(response, 405, {}),
      async (host) => {
        const { client, requests } = harness();
        await expect(client.resolveDigest(repositoryAt(host, 'team/app'), '1.0.0')).rejects.toBeInstanceOf(
          UpstreamError,
        );
        expect(requests).toHaveLength(1);
      },
    );
  });

  it('fails after retries when nothing listens', async () => {
    const stub = await startStubRegistry(() => {});
    await stub.stop();
    const { client, requests } = harness({ retry: { attempts: 2 } });
    const error = await client.listTags(repositoryAt(stub.host, 'team/app')).catch((e) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(/network error ECONNREFUSED after 2 attempts/);
    expect(requests.map((r) => r.status)).toEqual([0, 0]);
  });

  it('honours the caller signal while backing off', async () => {
    await withStub(
      (_, response) => json(response, 503, {}),
      async (host) => {
        const controller = new AbortController();
        const client = createOciRegistryClient({
          retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1 },
        });
        setTimeout(() => controller.abort(new Error('shutting down')), 50);
        const started = Date.now();
        await expect(
          client.listTags(repositoryAt(host, 'team/app'), { signal: controller.signal }),
        ).rejects.toThrow('shutting down');
        expect(Date.now() - started).toBeLessThan(5_000);
      },
    );
  });

  it('honours the caller signal during a hanging request', async () => {
    await withStub(
      () => {},
      async (host) => {
        const controller = new AbortController();
        const { client, requests } = harness({ timeoutMs: 10_000 });
        setTimeout(() => controller.abort(new Error('deadline')), 50);
        await expect(
          client.resolveDigest(repositoryAt(host, 'team/app'), '1.0.0', { signal: controller.signal }),
        ).rejects.toThrow('deadline');
        expect(requests).toHaveLength(1);
      },
    );
  });
});
