import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { WebhookResponse } from '../webhooks/handle-webhook.ts';
import type { WebhookRequest } from '../webhooks/webhook-request.ts';

/**
 * API Gateway HTTP API (payload format 2.0) ⇄ the webhook edge's own request and response
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 *
 * - The body arrives as text, or base64 when API Gateway considers it binary (`isBase64Encoded`);
 *   signatures are over the sender's bytes, so base64 is decoded and text taken as UTF-8 — never parsed.
 * - Header names are lower-cased (HTTP API already does; a test or a proxy may not) and repeated
 *   headers arrive joined with commas, as WebhookRequest expects.
 * - The path is rebuilt from the `{digest}` path parameter when there is one, so a named stage or a
 *   custom-domain base path in `rawPath` does not hide the hook.
 */

const bodyBytes = (event: APIGatewayProxyEventV2): Uint8Array => {
  if (event.body === undefined || event.body === null) return new Uint8Array();
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
};

const lowerCased = (headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> => {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    result[key] = result[key] === undefined ? value : `${result[key]}, ${value}`;
  }
  return result;
};

const definedOnly = (query: APIGatewayProxyEventV2['queryStringParameters']): Record<string, string> =>
  Object.fromEntries(Object.entries(query ?? {}).filter((entry): entry is [string, string] => !!entry[1]));

/** The webhook request an HTTP API event carries. */
export const decodeHttpApiRequest = (event: APIGatewayProxyEventV2): WebhookRequest => {
  const digest = event.pathParameters?.digest;
  const epoch = event.requestContext?.timeEpoch;
  return {
    method: (event.requestContext?.http?.method ?? 'GET').toUpperCase(),
    path: digest ? `/hook/${digest}` : (event.rawPath ?? '/'),
    headers: lowerCased(event.headers),
    query: definedOnly(event.queryStringParameters),
    rawBody: bodyBytes(event),
    receivedAt: typeof epoch === 'number' ? new Date(epoch) : new Date(),
  };
};

/** The HTTP API result for a webhook answer (text body, never base64: answers are small JSON). */
export const encodeHttpApiResponse = (response: WebhookResponse): APIGatewayProxyStructuredResultV2 => ({
  statusCode: response.status,
  headers: { ...response.headers },
  body: response.body,
  isBase64Encoded: false,
});
