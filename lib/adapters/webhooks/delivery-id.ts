import { createHash, randomUUID } from 'node:crypto';
import type { WebhookRequest } from './webhook-request.ts';

/** Headers senders use for a per-delivery id, in order of preference. */
const DELIVERY_HEADERS = [
  'x-github-delivery',
  'x-nexus-webhook-delivery',
  'ce-id',
  'x-delivery-id',
  'x-request-id',
];

/**
 * The sender's delivery id, so that a redelivery is recognised; a fresh id when the sender gives
 * none (then every request counts, as with Flux's generic receiver).
 */
export const deliveryIdOf = (request: WebhookRequest, receiverKey: string): string => {
  for (const header of DELIVERY_HEADERS) {
    const value = request.headers[header];
    if (value) return `${receiverKey}:${header}:${value}`;
  }
  return `${receiverKey}:${randomUUID()}`;
};

/**
 * For senders that sign the body (HMAC): the id is a digest of the signed bytes, so a captured request
 * replayed with any headers is the same delivery. Their delivery headers are not covered by the
 * signature, and the signed payloads carry per-event ids and times, so the bytes differ per event.
 */
export const signedBodyDeliveryId = (receiverKey: string, type: string, rawBody: Uint8Array): string =>
  `${receiverKey}:${type}:body:${createHash('sha256').update(rawBody).digest('hex').slice(0, 32)}`;

/** A stable id derived from fields that identify one push, for senders without delivery ids. */
export const derivedDeliveryId = (receiverKey: string, ...parts: readonly (string | undefined)[]): string =>
  `${receiverKey}:${createHash('sha256')
    .update(parts.map((p) => p ?? '').join('\u0000'))
    .digest('hex')
    .slice(0, 32)}`;
