import { InvalidInputError } from '../../../domain/errors.ts';
import { DOCKER_HUB } from '../../../domain/image-name.ts';
import { deliveryIdOf, derivedDeliveryId } from '../delivery-id.ts';
import { isoTime, isReleaseTag } from '../image-reference.ts';
import { isRecord, parseJsonBody, stringField } from '../json-body.ts';
import { hookEvents, noEvents, receiverKey, verified } from '../parsed-hook.ts';
import { defineReceiver } from '../webhook-request.ts';

/**
 * Docker Hub repository webhooks (Flux `dockerhub`).
 * https://docs.docker.com/docker-hub/repos/manage/webhooks/
 *
 * Docker Hub cannot sign a delivery or add a header: the secret hook URL is the only
 * authentication, so verification has nothing to check. The payload names the repository
 * (`repository.repo_name`) and the tag (`push_data.tag`), never a digest; the tag is re-resolved.
 * There is no delivery id either: repo + tag + `pushed_at` identifies one push. `callback_url`
 * is a legacy field and is never called.
 */
export const dockerhubReceiver = defineReceiver({
  type: 'dockerhub',
  contentTypes: ['application/json'],
  verify: () => verified,
  parse: (request, receiver) => {
    const body = parseJsonBody(request.rawBody, 'dockerhub');
    if (!isRecord(body) || !isRecord(body.repository) || !isRecord(body.push_data)) {
      throw new InvalidInputError('dockerhub payload needs "repository" and "push_data" objects');
    }
    const repository = stringField(body.repository.repo_name);
    if (!repository) throw new InvalidInputError('dockerhub payload has no repository.repo_name');
    const tag = stringField(body.push_data.tag);
    if (!isReleaseTag(tag)) return noEvents();
    const key = receiverKey(receiver);
    const pushedAt = isoTime(body.push_data.pushed_at);
    // Without pushed_at a derived id would swallow every later push of the same tag: count each request.
    const deliveryId = pushedAt
      ? derivedDeliveryId(`${key}:dockerhub`, repository, tag, pushedAt)
      : deliveryIdOf(request, key);
    return hookEvents([
      { registry: DOCKER_HUB, repository, tag, deliveryId, source: key, ...(pushedAt && { pushedAt }) },
    ]);
  },
});
