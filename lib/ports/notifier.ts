import type { Notification } from '../domain/notify/notification.ts';

/**
 * Outbound notifications (a generic JSON webhook, Slack). Best effort by design: one attempt,
 * bounded by `timeoutMs`; the caller logs a failure and carries on, so a notification never
 * blocks or fails a commit.
 */
export interface NotificationTarget {
  /** Where to POST. May carry a token (Slack URLs do): never log it, never put it in an error. */
  readonly address: string;
  /** Key for `X-Signature: sha256=<hex HMAC of the raw body>`; absent = unsigned. */
  readonly signingKey?: string;
  /** Upper bound for connecting, sending and the answer's status line. */
  readonly timeoutMs: number;
}

/**
 * @example
 * await notifier.send(notification, { address: 'https://hooks.example.com/x', timeoutMs: 5000 });
 * // resolves on a 2xx answer; otherwise throws an UpstreamError naming the host, never the URL
 */
export interface Notifier {
  send(notification: Notification, target: NotificationTarget): Promise<void>;
}
