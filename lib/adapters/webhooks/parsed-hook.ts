import type { RegistryEvent } from '../../domain/work.ts';
import type { ParsedHook, ReceiverContext, Verification } from './webhook-request.ts';

/** `namespace/name` of a Receiver: the `source` of its events and the prefix of their delivery ids. */
export const receiverKey = (receiver: ReceiverContext): string => `${receiver.namespace}/${receiver.name}`;

/** A payload whose entries became `events`; `total` counts every entry, kept or ignored. */
export const hookEvents = (events: readonly RegistryEvent[], total = events.length): ParsedHook => ({
  kind: 'events',
  events,
  ignored: Math.max(0, total - events.length),
});

/** A valid payload with nothing to re-check (a ping, a delete, a pull, an untagged manifest…). */
export const noEvents = (ignored = 1): ParsedHook => ({ kind: 'events', events: [], ignored });

export const verified: Verification = Object.freeze({ ok: true });

export const refused = (reason: string): Verification => ({ ok: false, reason });
