import type { RegistryEvent } from '../../domain/work.ts';

/** An HTTP request as the receivers see it: the raw body, before any parsing (signatures are over these bytes). */
export interface WebhookRequest {
  readonly method: string;
  /** Path without query string, e.g. `/hook/3f2a…`. */
  readonly path: string;
  /** Header names lower-cased; repeated headers joined with ', '. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly rawBody: Uint8Array;
  readonly receivedAt: Date;
}

/** A configured Receiver with its secret resolved (never logged). */
export interface ReceiverContext {
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  /** The Receiver Secret's data (`token`, and per type e.g. `email`, `audience`). */
  readonly secret: Readonly<Record<string, string>>;
}

export type Verification = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * What the events of a request are about: concrete pushes (registry, repository, tag), or, for
 * senders that say nothing usable (generic receivers), "re-check every resource of the Receiver".
 */
export type ParsedHook =
  | { readonly kind: 'events'; readonly events: readonly RegistryEvent[]; readonly ignored: number }
  | { readonly kind: 'resources'; readonly deliveryId: string };

/** One receiver type: how it is verified and how its payload is read. */
export interface ReceiverType {
  readonly type: string;
  /** Accepted media types (lower-case, without parameters); undefined = any. */
  readonly contentTypes?: readonly string[];
  /** Checks authenticity on the raw bytes, before anything is parsed. */
  verify(request: WebhookRequest, receiver: ReceiverContext): Verification | Promise<Verification>;
  /** Throws InvalidInputError for a malformed payload. */
  parse(request: WebhookRequest, receiver: ReceiverContext): ParsedHook;
}

/** Declares a receiver type (frozen, with the parameters typed from ReceiverType). */
export const defineReceiver = (receiver: ReceiverType): ReceiverType => Object.freeze(receiver);
