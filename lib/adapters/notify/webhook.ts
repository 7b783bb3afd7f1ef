import { createHmac } from 'node:crypto';
import type { Notification } from '../../domain/notify/notification.ts';
import type { Notifier } from '../../ports/notifier.ts';
import { type FetchFunction, postNotification } from './post-notification.ts';

/**
 * The generic webhook: the Notification as JSON (`version: 1`), signed when a key is configured
 * with `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` — the header Flux's `generic-hmac`
 * Receiver checks, so a receiver of that type (ours or Flux's) accepts it as is.
 */
export const webhookNotifierDefaults = Object.freeze({
  fetch: ((input, init) => globalThis.fetch(input, init)) as FetchFunction,
});

export interface WebhookNotifierOptions {
  readonly fetch?: FetchFunction;
}

export const signatureHeader = (key: string, body: string): string =>
  `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

export const renderJsonNotification = (notification: Notification): string => JSON.stringify(notification);

export const createWebhookNotifier = (options: WebhookNotifierOptions = {}): Notifier => {
  const { fetch } = { ...webhookNotifierDefaults, ...options };
  return {
    send: async function webhookNotifierSend(notification, target) {
      const body = renderJsonNotification(notification);
      await postNotification(fetch, target, body, {
        'x-image-automation-event': notification.event,
        ...(target.signingKey ? { 'x-signature': signatureHeader(target.signingKey, body) } : {}),
      });
    },
  };
};
