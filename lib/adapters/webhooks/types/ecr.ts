import { InvalidInputError } from '../../../domain/errors.ts';
import { verifyPrefixedHmac } from '../constant-time.ts';
import { parseEcrImageAction } from '../ecr-image-action.ts';
import { isRecord, parseJsonBody } from '../json-body.ts';
import { hookEvents, noEvents, receiverKey, refused, verified } from '../parsed-hook.ts';
import { defineReceiver } from '../webhook-request.ts';

/**
 * Amazon ECR in local mode (not a Flux type): the EventBridge `ECR Image Action` event the Lambda
 * `ecr-event` function receives, POSTed as JSON with `X-Signature: sha256=<hex HMAC-SHA256(token,
 * raw body)>` (or `sha512=`), as Flux `generic-hmac` does. EventBridge itself cannot compute an
 * HMAC (API destinations only add static headers), so whatever relays the event signs it: a
 * small forwarder, a CI step, or a replay by hand. A body that is not an EventBridge event is
 * malformed; other event types, deletes, failures and untagged manifests are accepted and ignored.
 */
export const ecrReceiver = defineReceiver({
  type: 'ecr',
  contentTypes: ['application/json'],
  verify: (request, receiver) =>
    receiver.secret.token &&
    verifyPrefixedHmac(request.headers['x-signature'], receiver.secret.token, request.rawBody, [
      'sha256',
      'sha512',
    ])
      ? verified
      : refused('missing or invalid X-Signature'),
  parse: (request, receiver) => {
    const body = parseJsonBody(request.rawBody, 'ecr');
    if (!isRecord(body) || typeof body['detail-type'] !== 'string' || !isRecord(body.detail)) {
      throw new InvalidInputError('ecr payload is not an EventBridge event (detail-type, detail)');
    }
    const event = parseEcrImageAction(body);
    if (!event) return noEvents();
    const key = receiverKey(receiver);
    return hookEvents([{ ...event, deliveryId: `${key}:${event.deliveryId}`, source: key }]);
  },
});
