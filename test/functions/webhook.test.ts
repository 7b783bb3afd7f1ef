import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { webhook } from '../../functions/webhook.ts';
import { hookDigest } from '../../lib/adapters/webhooks/hook-path.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { createHarness, type HarnessOptions } from './lambda-harness.ts';

const TOKEN = 'lambda-receiver-token';
const REGISTRY = 'registry.example.com';

const receivers = [
  `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: registry, namespace: apps}
spec:
  type: distribution
  secretRef: {name: receiver-token}
  resources:
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: "*", matchLabels: {}}`,
  `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: signed, namespace: apps}
spec:
  type: generic-hmac
  secretRef: {name: receiver-token}
  resources:
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: web}`,
];

const config = fleetManifests({
  gitUrl: 'https://git.example.com/fleet.git',
  policies: [{ name: 'web', image: `${REGISTRY}/team/web` }],
  extra: receivers,
});

const harness = (options: Partial<HarnessOptions> = {}) =>
  createHarness({ config, secrets: { 'apps/receiver-token': { token: TOKEN } }, ...options });

const distributionBody = (id: string, tag = '1.2.3') =>
  JSON.stringify({
    events: [
      {
        id,
        timestamp: '2026-11-21T10:00:00Z',
        action: 'push',
        target: {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${'a'.repeat(64)}`,
          repository: 'team/web',
          tag,
        },
        request: { host: REGISTRY },
      },
    ],
  });

/** An HTTP API (payload 2.0) event for POST /hook/{digest}. */
const httpEvent = (
  digest: string,
  body: string | Buffer,
  options: { headers?: Record<string, string>; base64?: boolean; method?: string } = {},
): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: 'POST /hook/{digest}',
  rawPath: `/hook/${digest}`,
  rawQueryString: '',
  headers: { 'content-type': 'application/json', ...options.headers },
  pathParameters: { digest },
  isBase64Encoded: options.base64 ?? false,
  body: options.base64 ? Buffer.from(body).toString('base64') : body.toString(),
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'abc123',
    http: {
      method: options.method ?? 'POST',
      path: `/hook/${digest}`,
      protocol: 'HTTP/1.1',
      sourceIp: '203.0.113.7',
      userAgent: 'registry',
    },
    requestId: 'Jx1abcDEFgHIJ=',
    routeKey: 'POST /hook/{digest}',
    stage: '$default',
    time: '21/Nov/2026:10:00:01 +0000',
    timeEpoch: Date.UTC(2026, 10, 21, 10, 0, 1),
  },
});

const registryHook = hookDigest(TOKEN, 'registry', 'apps');
const signedHook = hookDigest(TOKEN, 'signed', 'apps');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('webhook function (API Gateway HTTP API → SQS)', () => {
  it('verifies, queues one message per automation and answers 202, with the request id in the logs', async () => {
    // Prepare
    const h = harness();
    // Act
    const response = await h.wrap(webhook, 'http')(httpEvent(registryHook, distributionBody('evt-1')));
    // Assess
    expect(response).toMatchObject({ statusCode: 202, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(response.body ?? '')).toMatchObject({ accepted: 1, queued: 1, duplicates: 0 });
    expect(h.sent).toEqual([
      {
        groupId: 'https://git.example.com/fleet.git#main',
        deduplicationId: 'apps/registry:distribution:evt-1:apps/fleet',
        request: expect.objectContaining({
          automation: 'apps/fleet',
          reason: 'event',
          deliveryIds: ['apps/registry:distribution:evt-1'],
          repositories: [`${REGISTRY}/team/web`],
          triggeredAt: '2026-11-21T10:00:00.000Z',
        }),
      },
    ]);
    const queued = h.logs().find((l) => l.message === 'event queued');
    expect(queued).toMatchObject({
      level: 'INFO',
      correlation_id: 'Jx1abcDEFgHIJ=',
      deliveryId: 'apps/registry:distribution:evt-1',
      function_name: 'image-automation-test',
      service: 'image-automation',
    });
    expect(h.metrics()).toContainEqual(expect.objectContaining({ Events: 1 }));
  });

  it('decodes a base64 body before verifying its HMAC over the raw bytes', async () => {
    const h = harness();
    const body = Buffer.from('{"note":"bytes as sent: caf\u00e9"}', 'utf8');
    const signature = `sha256=${createHmac('sha256', TOKEN).update(body).digest('hex')}`;
    const ok = await h.wrap(
      webhook,
      'http',
    )(httpEvent(signedHook, body, { base64: true, headers: { 'X-Signature': signature } }));
    expect(ok.statusCode).toBe(202);
    expect(h.sent.map((m) => m.request.automation)).toEqual(['apps/fleet']);
    // The same bytes NOT declared base64 are different bytes: the signature no longer matches.
    const refused = await h.wrap(
      webhook,
      'http',
    )(httpEvent(signedHook, Buffer.from(body).toString('base64'), { headers: { 'x-signature': signature } }));
    expect(refused.statusCode).toBe(401);
  });

  it.each([
    ['an unknown hook', httpEvent('0'.repeat(64), distributionBody('e')), 404],
    [
      'a wrong token',
      httpEvent(registryHook, distributionBody('e'), { headers: { authorization: 'Bearer x' } }),
      401,
    ],
    ['a malformed payload', httpEvent(registryHook, '{"events": 7}'), 400],
    [
      'a wrong content type',
      httpEvent(registryHook, 'x', { headers: { 'content-type': 'text/plain' } }),
      415,
    ],
    ['a GET', httpEvent(registryHook, '', { method: 'GET' }), 405],
  ])('refuses %s with a 4xx and queues nothing', async (_case, event, status) => {
    const h = harness();
    const response = await h.wrap(webhook, 'http')(event);
    expect(response.statusCode).toBe(status);
    expect(h.sent).toEqual([]);
  });

  it('answers a replayed delivery with 202 and queues nothing more', async () => {
    const h = harness();
    const invoke = h.wrap(webhook, 'http');
    await invoke(httpEvent(registryHook, distributionBody('evt-2')));
    const replay = await invoke(httpEvent(registryHook, distributionBody('evt-2')));
    expect(replay.statusCode).toBe(202);
    expect(JSON.parse(replay.body ?? '')).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(h.sent).toHaveLength(1);
  });

  it('answers 503 with Retry-After when SQS does not take the message, and forgets the delivery', async () => {
    const h = harness({ queueFails: true });
    const response = await h.wrap(webhook, 'http')(httpEvent(registryHook, distributionBody('evt-3')));
    expect(response).toMatchObject({ statusCode: 503, headers: { 'retry-after': '5' } });
    // The sender's retry is not mistaken for a replay.
    expect(await h.state.rememberDelivery('apps/registry:distribution:evt-3')).toBe(true);
  });

  it('maps an unexpected failure to a generic 500 that reveals nothing, logged and counted', async () => {
    const h = harness();
    vi.spyOn(h.runtime, 'webhookDeps').mockRejectedValue(new TypeError('secret detail: token=abc'));
    const response = await h.wrap(webhook, 'http')(httpEvent(registryHook, distributionBody('evt-4')));
    expect(response.statusCode).toBe(500);
    expect(response.body).toBe(JSON.stringify({ error: 'internal error' }));
    const failed = h.logs().find((l) => l.message === 'invocation failed');
    expect(failed).toMatchObject({ level: 'ERROR', error: { code: 'Internal' } });
    expect(h.metrics()).toContainEqual(expect.objectContaining({ Errors: 1 }));
  });

  it('maps invalid input raised outside the webhook edge to a 400 with its message', async () => {
    const h = harness();
    const { InvalidInputError } = await import('../../lib/domain/errors.ts');
    vi.spyOn(h.runtime, 'webhookDeps').mockRejectedValue(new InvalidInputError('body is not UTF-8'));
    const response = await h.wrap(webhook, 'http')(httpEvent(registryHook, 'x'));
    expect(response).toMatchObject({ statusCode: 400, body: JSON.stringify({ error: 'body is not UTF-8' }) });
  });
});
