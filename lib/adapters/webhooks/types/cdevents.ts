import { InvalidInputError } from '../../../domain/errors.ts';
import { deliveryIdOf } from '../delivery-id.ts';
import { verifyBearerToken } from '../header-secret.ts';
import { isoTime, isReleaseTag } from '../image-reference.ts';
import { isRecord, parseJsonBody, stringField } from '../json-body.ts';
import { parseOciPurl } from '../oci-purl.ts';
import { hookEvents, noEvents, receiverKey } from '../parsed-hook.ts';
import { defineReceiver } from '../webhook-request.ts';

const STRUCTURED = 'application/cloudevents+json';
const ARTIFACT_PUBLISHED = 'dev.cdevents.artifact.published.';

/**
 * CDEvents `artifact.published` over CloudEvents HTTP (Flux `cdevents`), in binary mode
 * (`ce-*` headers, the CDEvent as an `application/json` body) or structured mode
 * (`application/cloudevents+json`, the CDEvent in `data`).
 * https://github.com/cdevents/spec/blob/main/cloudevents-binding.md
 * https://github.com/cloudevents/spec/blob/main/cloudevents/http-webhook.md
 *
 * The format defines no signature; the CloudEvents webhook spec's `Authorization: Bearer <token>`
 * is required (the `?access_token=` form is not accepted: URLs end up in logs). Any CDEvent
 * version of `artifact.published` is read; other types are accepted and ignored. The subject id
 * is a purl, `pkg:oci/<name>@sha256%3A…?repository_url=<host>/<path>&tag=<tag>`; without
 * `repository_url` or `tag` there is nothing to re-check.
 */
export const cdeventsReceiver = defineReceiver({
  type: 'cdevents',
  contentTypes: ['application/json', STRUCTURED],
  verify: (request, receiver) => verifyBearerToken(request.headers.authorization, receiver.secret.token),
  parse: (request, receiver) => {
    const body = parseJsonBody(request.rawBody, 'cdevents');
    if (!isRecord(body)) throw new InvalidInputError('cdevents payload is not an object');
    const structured = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() === STRUCTURED;
    const cdevent = structured ? body.data : body;
    if (!isRecord(cdevent)) throw new InvalidInputError('cloudevent carries no CDEvent in "data"');
    const context = isRecord(cdevent.context) ? cdevent.context : {};
    const type =
      (structured ? stringField(body.type) : request.headers['ce-type']) ?? stringField(context.type);
    if (!type?.startsWith(ARTIFACT_PUBLISHED)) return noEvents();
    const subject = isRecord(cdevent.subject) ? stringField(cdevent.subject.id) : undefined;
    if (!subject) throw new InvalidInputError('artifact.published event has no subject.id');
    const artifact = parseOciPurl(subject);
    if (!artifact || !isReleaseTag(artifact.tag)) return noEvents();
    const key = receiverKey(receiver);
    // From the body where it has one: the CloudEvent's id in structured mode; in binary mode the CDEvent's
    // context.id before the ce-id header (headers are nobody's signature).
    const id = structured
      ? (stringField(body.id) ?? stringField(context.id))
      : (stringField(context.id) ?? request.headers['ce-id']);
    const pushedAt = isoTime(context.timestamp ?? (structured ? body.time : request.headers['ce-time']));
    return hookEvents([
      {
        ...artifact,
        tag: artifact.tag,
        deliveryId: id ? `${key}:cdevents:${id}` : deliveryIdOf(request, key),
        source: key,
        ...(pushedAt && { pushedAt }),
      },
    ]);
  },
});
