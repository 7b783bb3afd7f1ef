import { InvalidInputError } from '../../../domain/errors.ts';
import type { RegistryEvent } from '../../../domain/work.ts';
import { deliveryIdOf } from '../delivery-id.ts';
import { isReleaseTag, splitReference } from '../image-reference.ts';
import { isRecord, parseJsonBody, stringField } from '../json-body.ts';
import { hookEvents, receiverKey, verified } from '../parsed-hook.ts';
import { defineReceiver } from '../webhook-request.ts';

/**
 * Quay repository notifications, event "Push to Repository", method "Webhook POST" (Flux `quay`).
 * https://docs.quay.io/guides/notifications.html
 *
 * Quay cannot sign or add headers (self-hosted Quay can only present a TLS client certificate):
 * the secret hook URL is the only authentication. `docker_url` carries host and repository,
 * `updated_tags` the pushed tags (a list today, a `{tag: imageId}` map in old releases). There is
 * no digest and no delivery id: every request counts, and re-checking a tag twice is harmless.
 * A custom body template replaces this payload and is refused as malformed.
 */
export const quayReceiver = defineReceiver({
  type: 'quay',
  contentTypes: ['application/json'],
  verify: () => verified,
  parse: (request, receiver) => {
    const body = parseJsonBody(request.rawBody, 'quay');
    if (!isRecord(body)) throw new InvalidInputError('quay payload is not an object');
    const dockerUrl = stringField(body.docker_url);
    const where = dockerUrl ? splitReference(dockerUrl) : undefined;
    if (!where) throw new InvalidInputError('quay payload has no usable "docker_url"');
    const tags = tagsOf(body.updated_tags);
    if (!tags) throw new InvalidInputError('quay payload has no "updated_tags"');
    const key = receiverKey(receiver);
    const deliveryId = deliveryIdOf(request, key);
    const events: RegistryEvent[] = tags.filter(isReleaseTag).map((tag) => ({
      registry: where.registry,
      repository: where.repository,
      tag,
      deliveryId: `${deliveryId}:${tag}`,
      source: key,
    }));
    return hookEvents(events, tags.length);
  },
});

const tagsOf = (value: unknown): string[] | undefined => {
  if (Array.isArray(value)) return value.filter((tag): tag is string => typeof tag === 'string');
  if (isRecord(value)) return Object.keys(value);
  return undefined;
};
