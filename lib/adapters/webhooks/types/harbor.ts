import { InvalidInputError } from '../../../domain/errors.ts';
import type { RegistryEvent } from '../../../domain/work.ts';
import { deliveryIdOf, derivedDeliveryId } from '../delivery-id.ts';
import { verifyHeaderSecret } from '../header-secret.ts';
import { digestOf, isoTime, isReleaseTag, splitReference } from '../image-reference.ts';
import { isRecord, parseJsonBody, stringField } from '../json-body.ts';
import { hookEvents, noEvents, receiverKey } from '../parsed-hook.ts';
import { defineReceiver, type WebhookRequest } from '../webhook-request.ts';

/**
 * Harbor project webhooks (Flux `harbor`), payload format "Default" or "CloudEvents" (Harbor ≥ 2.8).
 * https://goharbor.io/docs/main/working-with-projects/project-configuration/configure-webhooks/
 *
 * Harbor cannot sign: it sends the policy's "Auth Header" verbatim as `Authorization`, so the
 * header must equal the Receiver token exactly. Only artifact pushes count (`PUSH_ARTIFACT`,
 * `harbor.artifact.pushed`); Harbor reports an untagged artifact with its digest in `tag`, which
 * is noise. The host is the first component of `resource_url` (Harbor's `external_url`).
 */
export const harborReceiver = defineReceiver({
  type: 'harbor',
  contentTypes: ['application/json', 'application/cloudevents+json'],
  verify: (request, receiver) =>
    verifyHeaderSecret(request.headers.authorization, receiver.secret.token, 'Authorization'),
  parse: (request, receiver) => {
    const body = parseJsonBody(request.rawBody, 'harbor');
    if (!isRecord(body)) throw new InvalidInputError('harbor payload is not an object');
    const cloudEvent = body.specversion !== undefined;
    const type = stringField(body.type);
    if (type !== (cloudEvent ? 'harbor.artifact.pushed' : 'PUSH_ARTIFACT')) return noEvents();
    const data = cloudEvent ? body.data : body.event_data;
    if (!isRecord(data) || !Array.isArray(data.resources)) {
      throw new InvalidInputError('harbor push has no "resources" list');
    }
    const key = receiverKey(receiver);
    const fullName = isRecord(data.repository) ? stringField(data.repository.repo_full_name) : undefined;
    const baseId = deliveryBase(request, key, cloudEvent ? stringField(body.id) : undefined, body, fullName);
    const pushedAt = isoTime(cloudEvent ? body.time : body.occur_at);
    const events: RegistryEvent[] = [];
    for (const resource of data.resources) {
      if (!isRecord(resource)) continue;
      const tag = stringField(resource.tag);
      const url = stringField(resource.resource_url);
      const where = url ? splitReference(url) : undefined;
      if (!where || !isReleaseTag(tag)) continue;
      const digest = digestOf(resource.digest);
      events.push({
        registry: where.registry,
        repository: where.repository,
        tag,
        ...(digest && { digest }),
        deliveryId: `${baseId(digest)}:${tag}`,
        source: key,
        ...(pushedAt && { pushedAt }),
      });
    }
    return hookEvents(events, data.resources.length);
  },
});

/**
 * CloudEvents carry an `id`; the Default format has none, so repository + digest + `occur_at`
 * identify one push. Without `occur_at` every request counts (a derived id would swallow a later
 * push of the same digest, e.g. a rollback).
 */
const deliveryBase = (
  request: WebhookRequest,
  key: string,
  eventId: string | undefined,
  body: Record<string, unknown>,
  repository: string | undefined,
): ((digest: string | undefined) => string) => {
  if (eventId) return () => `${key}:harbor:${eventId}`;
  const occurredAt = typeof body.occur_at === 'number' ? String(body.occur_at) : undefined;
  if (occurredAt) return (digest) => derivedDeliveryId(`${key}:harbor`, repository, digest, occurredAt);
  const random = deliveryIdOf(request, key);
  return () => random;
};
