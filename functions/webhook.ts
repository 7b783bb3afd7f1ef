import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { decodeHttpApiRequest, encodeHttpApiResponse } from '../lib/adapters/aws/http-api-event.ts';
import { handleWebhook } from '../lib/adapters/webhooks/handle-webhook.ts';
import {
  type AwsAdapterChoice,
  dynamoDbDeliveries,
  receiverSecretsManager,
  sqsQueue,
} from './_aws-adapters.ts';
import { type FunctionCore, withStandardMiddleware } from './_middleware.ts';

/**
 * `POST /hook/{digest}` (API Gateway HTTP API, payload 2.0): the same receivers, verification and
 * answers as local mode's server (handle-webhook.ts), on the raw body. 202 once the work is in the
 * SQS FIFO queue; 4xx for refused input; 503 only when the queue could not take it.
 */
export const webhook: FunctionCore<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> = async (
  event,
  runtime,
) => {
  const request = decodeHttpApiRequest(event);
  const response = await handleWebhook(request, await runtime.webhookDeps());
  return encodeHttpApiResponse(response);
};

/** Delivery ids, the queue and Receiver tokens: nothing else (its role, infra/iam.yml, allows no more). */
export const adapters: AwsAdapterChoice = {
  state: dynamoDbDeliveries,
  queue: sqsQueue,
  receiverSecrets: receiverSecretsManager,
};

export const handler = withStandardMiddleware(webhook, { kind: 'http', adapters });
