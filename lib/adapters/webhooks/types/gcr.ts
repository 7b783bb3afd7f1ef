import { InvalidInputError } from '../../../domain/errors.ts';
import { deliveryIdOf } from '../delivery-id.ts';
import { verifyGoogleIdToken } from '../google-id-token.ts';
import { isoTime, isReleaseTag, splitReference } from '../image-reference.ts';
import { isRecord, parseJsonBody, stringField } from '../json-body.ts';
import { createJwksKeys, type JwksOptions, type KeysFor } from '../jwks-keys.ts';
import { hookEvents, noEvents, receiverKey, refused } from '../parsed-hook.ts';
import { defineReceiver, type ReceiverType } from '../webhook-request.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Google Artifact Registry / Container Registry through a Pub/Sub push subscription on the
 * `gcr` topic (Flux `gcr`).
 * https://cloud.google.com/artifact-registry/docs/configure-notifications
 * https://cloud.google.com/pubsub/docs/push
 *
 * Verified by the subscription's OIDC token, checked with jose (google-id-token.ts). Secret keys: `token`
 * (the hook URL), `audience` and `email` (both required, as in Flux since CVE-2026-40109), and
 * the signing keys as `jwks` (inline JWKS JSON) or `jwksUrl` (default Google's certs URL).
 * The body is the wrapped push format: `message.data` is base64 of
 * `{"action":"INSERT","digest":"<host>/<path>@sha256:…","tag":"<host>/<path>:<tag>"}`;
 * `message.messageId` is the delivery id. Deletes and digest-only inserts are ignored.
 */
export const createGcrReceiver = (options: JwksOptions = {}): ReceiverType => {
  const keysFor: KeysFor = createJwksKeys(options);
  return defineReceiver({
    type: 'gcr',
    contentTypes: ['application/json'],
    verify: (request, receiver) => {
      const { audience, email } = receiver.secret;
      if (!audience || !email) return refused('receiver secret needs "audience" and "email"');
      return verifyGoogleIdToken(request.headers.authorization, receiver.secret, keysFor, {
        audience,
        email,
        now: request.receivedAt,
      });
    },
    parse: (request, receiver) => {
      const body = parseJsonBody(request.rawBody, 'gcr');
      const message = isRecord(body) ? body.message : undefined;
      const data = isRecord(message) ? message.data : undefined;
      if (!isRecord(message) || typeof data !== 'string' || !BASE64.test(data)) {
        throw new InvalidInputError('gcr payload is not a wrapped Pub/Sub message with base64 "data"');
      }
      const notification = parseJsonBody(Buffer.from(data, 'base64'), 'gcr message data');
      if (!isRecord(notification)) throw new InvalidInputError('gcr message data is not an object');
      if (notification.action !== 'INSERT') return noEvents();
      const tagged = stringField(notification.tag);
      const where = tagged ? splitReference(tagged) : undefined;
      if (!where || !isReleaseTag(where.tag)) return noEvents();
      const digest = splitReference(stringField(notification.digest) ?? '')?.digest;
      const key = receiverKey(receiver);
      const id = stringField(message.messageId) ?? stringField(message.message_id);
      const pushedAt = isoTime(message.publishTime ?? message.publish_time);
      return hookEvents([
        {
          registry: where.registry,
          repository: where.repository,
          tag: where.tag,
          ...(digest && { digest }),
          deliveryId: id ? `${key}:pubsub:${id}` : deliveryIdOf(request, key),
          source: key,
          ...(pushedAt && { pushedAt }),
        },
      ]);
    },
  });
};

/** The `gcr` type with Google's keys fetched through Node's fetch. */
export const gcrReceiver = createGcrReceiver();
