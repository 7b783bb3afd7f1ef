import { InvalidInputError } from '../../../domain/errors.ts';
import { deliveryIdOf } from '../delivery-id.ts';
import { verifyBearerToken } from '../header-secret.ts';
import { digestOf, hostOf, isoTime, isReleaseTag } from '../image-reference.ts';
import { isRecord, parseJsonBody, stringField } from '../json-body.ts';
import { MANIFEST_MEDIA_TYPES } from '../manifest-media-types.ts';
import { hookEvents, noEvents, receiverKey } from '../parsed-hook.ts';
import { defineReceiver } from '../webhook-request.ts';

/**
 * Azure Container Registry webhooks (Flux `acr`).
 * https://learn.microsoft.com/azure/container-registry/container-registry-webhook-reference
 *
 * ACR cannot sign, but sends the custom headers configured on the webhook: we require
 * `Authorization: Bearer <token>` (Flux checks nothing for `acr`). Only `push` counts; `ping`,
 * deletes and quarantine events are accepted and ignored, as are digest-only pushes (empty
 * `target.tag`). The host is `request.host`. `chart_push` (and `chart_delete`) report a chart of
 * ACR's retired legacy Helm repository (`az acr helm push`): the documented example has no
 * `request` (no host) and names a `.tgz` in the Helm repository `repo`, not an OCI image an
 * ImageRepository could list, so it is accepted and ignored. A chart pushed as an OCI artifact
 * (`helm push oci://…`) is a manifest push, `push` like any image.
 */
export const acrReceiver = defineReceiver({
  type: 'acr',
  contentTypes: ['application/json'],
  verify: (request, receiver) => verifyBearerToken(request.headers.authorization, receiver.secret.token),
  parse: (request, receiver) => {
    const body = parseJsonBody(request.rawBody, 'acr');
    if (!isRecord(body)) throw new InvalidInputError('acr payload is not an object');
    const action = stringField(body.action);
    if (action !== 'push') return noEvents();
    const target = isRecord(body.target) ? body.target : undefined;
    const repository = stringField(target?.repository);
    const registry = isRecord(body.request) ? hostOf(stringField(body.request.host)) : undefined;
    if (!target || !repository || !registry) {
      throw new InvalidInputError('acr push needs target.repository and request.host');
    }
    const tag = stringField(target.tag);
    const mediaType = stringField(target.mediaType);
    // Image pushes name their manifest type; anything else (blobs, unknown artefacts) is noise.
    const image = !mediaType || MANIFEST_MEDIA_TYPES.has(mediaType);
    if (!image || !isReleaseTag(tag)) return noEvents();
    const key = receiverKey(receiver);
    const id = stringField(body.id);
    const digest = digestOf(target.digest);
    const pushedAt = isoTime(body.timestamp);
    return hookEvents([
      {
        registry,
        repository,
        tag,
        ...(digest && { digest }),
        deliveryId: id ? `${key}:acr:${id}` : deliveryIdOf(request, key),
        source: key,
        ...(pushedAt && { pushedAt }),
      },
    ]);
  },
});
