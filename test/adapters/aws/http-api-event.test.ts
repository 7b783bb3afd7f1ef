import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeHttpApiRequest, encodeHttpApiResponse } from '../../../lib/adapters/aws/http-api-event.ts';

const event = (overrides: Partial<APIGatewayProxyEventV2>): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /hook/{digest}',
    rawPath: '/prod/hook/abc',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { http: { method: 'post' }, timeEpoch: 1_795_250_000_000 },
    ...overrides,
  }) as APIGatewayProxyEventV2;

describe('HTTP API event ⇄ webhook request', () => {
  it('keeps the exact bytes of a base64 body, including ones that are not UTF-8', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x7b, 0xe9]);
    const request = decodeHttpApiRequest(event({ body: bytes.toString('base64'), isBase64Encoded: true }));
    expect(Buffer.from(request.rawBody)).toEqual(bytes);
  });

  it('reads a text body as UTF-8, and a missing body as empty', () => {
    expect(Buffer.from(decodeHttpApiRequest(event({ body: 'café' })).rawBody).toString('utf8')).toBe('café');
    expect(decodeHttpApiRequest(event({})).rawBody).toHaveLength(0);
  });

  it('lower-cases header names, joining repeats, and rebuilds the hook path from the path parameter', () => {
    const request = decodeHttpApiRequest(
      event({
        headers: { 'X-Hub-Signature-256': 'sha256=1', 'x-hub-signature-256': 'sha256=2', Accept: undefined },
        pathParameters: { digest: 'abc' },
        queryStringParameters: { a: '1', b: undefined },
      }),
    );
    expect(request).toMatchObject({
      method: 'POST',
      path: '/hook/abc',
      headers: { 'x-hub-signature-256': 'sha256=1, sha256=2' },
      query: { a: '1' },
      receivedAt: new Date(1_795_250_000_000),
    });
    expect(decodeHttpApiRequest(event({})).path).toBe('/prod/hook/abc');
  });

  it('answers with a text body and the edge headers', () => {
    expect(
      encodeHttpApiResponse({
        status: 429,
        headers: { 'retry-after': '5' },
        body: '{"error":"too many requests"}',
      }),
    ).toEqual({
      statusCode: 429,
      headers: { 'retry-after': '5' },
      body: '{"error":"too many requests"}',
      isBase64Encoded: false,
    });
  });
});
