import { InvalidInputError } from '../../../domain/errors.ts';
import { constantTimeEqual, hmacHex } from '../constant-time.ts';
import { signedBodyDeliveryId } from '../delivery-id.ts';
import { isoTime, isReleaseTag } from '../image-reference.ts';
import { isRecord, parseJsonBody, stringField } from '../json-body.ts';
import { hookEvents, noEvents, receiverKey, refused, verified } from '../parsed-hook.ts';
import { defineReceiver } from '../webhook-request.ts';

const COMPONENT_HOOK = 'rm:repository:component';
const PUSH_ACTIONS = new Set(['CREATED', 'UPDATED']);

/**
 * Sonatype Nexus Repository 3 "Webhook: Repository" capability, event type `component` (Flux `nexus`).
 * https://help.sonatype.com/en/webhooks.html
 *
 * `X-Nexus-Webhook-Signature` = hex HMAC-SHA1(secret key, body) is required (set the capability's
 * Secret Key to the Receiver token). Sonatype says the JSON is hashed without whitespace: the
 * raw bytes are tried first, then their compact re-serialisation.
 *
 * Docker components carry the image name and the tag (`version`) but no registry host and no
 * digest. The event therefore names no host: ingestion matches it by repository path within the
 * Receiver's resources. Both ways Nexus serves a repository are offered, `<image>` (port
 * connector) and `<repositoryName>/<image>` (path-based routing); they share one delivery id, so
 * at most one of them is queued.
 */
export const nexusReceiver = defineReceiver({
  type: 'nexus',
  contentTypes: ['application/json'],
  verify: (request, receiver) => {
    const signature = request.headers['x-nexus-webhook-signature']?.trim().toLowerCase();
    const token = receiver.secret.token;
    if (!signature) return refused('missing X-Nexus-Webhook-Signature');
    if (!token) return refused('receiver secret has no token');
    if (constantTimeEqual(signature, hmacHex('sha1', token, request.rawBody))) return verified;
    const compact = compactJson(request.rawBody);
    return compact && constantTimeEqual(signature, hmacHex('sha1', token, compact))
      ? verified
      : refused('invalid X-Nexus-Webhook-Signature');
  },
  parse: (request, receiver) => {
    const hook = request.headers['x-nexus-webhook-id']?.trim();
    const body = parseJsonBody(request.rawBody, 'nexus');
    if (!isRecord(body)) throw new InvalidInputError('nexus payload is not an object');
    if ((hook && hook !== COMPONENT_HOOK) || !PUSH_ACTIONS.has(String(body.action))) return noEvents();
    const component = body.component;
    if (!isRecord(component)) throw new InvalidInputError('nexus component event has no "component"');
    if (stringField(component.format) !== 'docker') return noEvents();
    const image = stringField(component.name);
    const tag = stringField(component.version);
    if (!image) throw new InvalidInputError('nexus docker component has no name');
    if (!isReleaseTag(tag)) return noEvents();
    const key = receiverKey(receiver);
    // Not X-Nexus-Webhook-Delivery: the signature does not cover it; the signed body has a timestamp.
    const deliveryId = signedBodyDeliveryId(key, 'nexus', request.rawBody);
    const pushedAt = isoTime(body.timestamp);
    const spelled = (repository: string) => ({
      registry: '',
      repository,
      tag,
      deliveryId,
      source: key,
      ...(pushedAt && { pushedAt }),
    });
    const repositoryName = stringField(body.repositoryName);
    return hookEvents(
      repositoryName ? [spelled(image), spelled(`${repositoryName}/${image}`)] : [spelled(image)],
    );
  },
});

const compactJson = (body: Uint8Array): Uint8Array | undefined => {
  try {
    return new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(body))));
  } catch {
    return undefined;
  }
};
