import { verifyPrefixedHmac } from '../constant-time.ts';
import { deliveryIdOf } from '../delivery-id.ts';
import { defineReceiver } from '../webhook-request.ts';

/**
 * Flux `generic-hmac`: `X-Signature: <sha1|sha256|sha512>=<hex HMAC(token, raw body)>`;
 * a valid request re-checks every ImageRepository of the Receiver.
 */
export const genericHmacReceiver = defineReceiver({
  type: 'generic-hmac',
  verify: (request, receiver) =>
    verifyPrefixedHmac(request.headers['x-signature'], receiver.secret.token ?? '', request.rawBody, [
      'sha1',
      'sha256',
      'sha512',
    ])
      ? ({ ok: true } as const)
      : ({ ok: false, reason: 'missing or invalid X-Signature' } as const),
  parse: (request, receiver) =>
    ({
      kind: 'resources',
      deliveryId: deliveryIdOf(request, `${receiver.namespace}/${receiver.name}`),
    }) as const,
});
