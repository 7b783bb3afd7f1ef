import { InvalidInputError } from '../../../domain/errors.ts';
import type { RegistryEvent } from '../../../domain/work.ts';
import { constantTimeEqual } from '../constant-time.ts';
import { isRecord, parseJsonBody, stringField } from '../json-body.ts';
import { isArtefactTag, MANIFEST_MEDIA_TYPES } from '../manifest-media-types.ts';
import { defineReceiver } from '../webhook-request.ts';

/**
 * CNCF Distribution (registry v2/v3) notifications: `{"events": [...]}`.
 * Only manifest pushes with a tag count; pulls, mounts, deletes, blob pushes, untagged child
 * manifests of an index and signature tags are noise. The secret URL authenticates; a static
 * `Authorization: Bearer <token>` header configured on the endpoint is checked as well when sent.
 * https://distribution.github.io/distribution/about/notifications/
 */
export const distributionReceiver = defineReceiver({
  type: 'distribution',
  contentTypes: [
    'application/vnd.docker.distribution.events.v1+json',
    'application/vnd.docker.distribution.events.v2+json',
    'application/json',
  ],
  verify: (request, receiver) => {
    const authorization = request.headers.authorization;
    if (authorization === undefined) return { ok: true } as const;
    return constantTimeEqual(authorization, `Bearer ${receiver.secret.token ?? ''}`)
      ? ({ ok: true } as const)
      : ({ ok: false, reason: 'Authorization header does not carry the receiver token' } as const);
  },
  parse: (request, receiver) => {
    const body = parseJsonBody(request.rawBody, 'distribution');
    if (!isRecord(body) || !Array.isArray(body.events)) {
      throw new InvalidInputError('distribution payload has no "events" array');
    }
    const events: RegistryEvent[] = [];
    for (const raw of body.events) {
      const event = toRegistryEvent(raw, `${receiver.namespace}/${receiver.name}`);
      if (event) events.push(event);
    }
    return { kind: 'events', events, ignored: body.events.length - events.length } as const;
  },
});

const toRegistryEvent = (raw: unknown, source: string): RegistryEvent | undefined => {
  if (!isRecord(raw) || raw.action !== 'push' || !isRecord(raw.target)) return undefined;
  const { target } = raw;
  const tag = stringField(target.tag);
  const repository = stringField(target.repository);
  const mediaType = stringField(target.mediaType);
  const id = stringField(raw.id);
  if (!tag || !repository || !id || !mediaType || !MANIFEST_MEDIA_TYPES.has(mediaType) || isArtefactTag(tag))
    return undefined;
  const registry =
    (isRecord(raw.request) ? stringField(raw.request.host) : undefined) ?? hostOf(stringField(target.url));
  if (!registry) return undefined;
  return {
    registry,
    repository,
    tag,
    digest: stringField(target.digest),
    // Prefixed with the Receiver like every type: one Receiver's ids never collide with another's.
    deliveryId: `${source}:distribution:${id}`,
    source,
    pushedAt: stringField(raw.timestamp),
  };
};

const hostOf = (url: string | undefined): string | undefined => {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
};
