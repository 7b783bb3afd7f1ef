import { deliveryIdOf } from '../delivery-id.ts';
import { defineReceiver } from '../webhook-request.ts';

/**
 * Flux `generic`: any POST to the secret URL re-checks every ImageRepository of the Receiver.
 * The URL is the only secret; the body is not read.
 */
export const genericReceiver = defineReceiver({
  type: 'generic',
  verify: () => ({ ok: true }) as const,
  parse: (request, receiver) =>
    ({
      kind: 'resources',
      deliveryId: deliveryIdOf(request, `${receiver.namespace}/${receiver.name}`),
    }) as const,
});
