import { distributionReceiver } from './types/distribution.ts';
import { genericReceiver } from './types/generic.ts';
import { genericHmacReceiver } from './types/generic-hmac.ts';
import type { ReceiverType } from './webhook-request.ts';

/** Every receiver type this service implements, by the name a Receiver's `spec.type` uses. */
export const receiverTypes: ReadonlyMap<string, ReceiverType> = new Map(
  [genericReceiver, genericHmacReceiver, distributionReceiver].map((r) => [r.type, r]),
);
