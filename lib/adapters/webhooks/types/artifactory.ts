import { InvalidInputError } from '../../../domain/errors.ts';
import type { RegistryEvent } from '../../../domain/work.ts';
import { constantTimeEqual, hmacHex } from '../constant-time.ts';
import { deliveryIdOf } from '../delivery-id.ts';
import { hostOf, isReleaseTag } from '../image-reference.ts';
import { isRecord, parseJsonBody, stringField } from '../json-body.ts';
import { hookEvents, noEvents, receiverKey, refused, verified } from '../parsed-hook.ts';
import { defineReceiver, type WebhookRequest } from '../webhook-request.ts';

/**
 * JFrog Artifactory webhooks, domain `docker`, event `pushed` (not a Flux type).
 * https://jfrog.com/help/r/jfrog-platform-administration-documentation/webhooks
 *
 * `X-JFrog-Event-Auth` carries the handler's secret itself by default, or, with "Use secret for
 * signing", a signature of the body whose algorithm JFrog does not document (Kargo computes
 * hex HMAC-SHA256, Telegraf `sha1=` + hex HMAC-SHA1). Accepted, all compared in constant time:
 * the secret itself; hex HMAC-SHA256, bare or `sha256=`-prefixed; `sha1=` + hex HMAC-SHA1.
 * Each proves knowledge of the secret; the plain form, which JFrog sends by default, is the
 * weakest and sets the bar. Prefer signing: the secret then never travels.
 *
 * `jpd_origin` (needs a Custom Base URL on self-hosted instances) gives the host. Artifactory
 * serves a repository as `<host>/<repo_key>/<image>` (repository path) or `<repo_key>.<host>/<image>`
 * (subdomain); both spellings are offered with one delivery id, so at most one is queued. The
 * event names the local repository, not a virtual one in front of it. The event data alone, as
 * JFrog's documentation shows it ("Docker Tag was Pushed"), is read as a docker push: it has no
 * `jpd_origin`, so, like an event from an instance without a Custom Base URL, it names no host
 * and is matched by path among the Receiver's resources.
 */
export const artifactoryReceiver = defineReceiver({
  type: 'artifactory',
  contentTypes: ['application/json'],
  verify: (request, receiver) => {
    const given = request.headers['x-jfrog-event-auth']?.trim();
    const token = receiver.secret.token;
    if (!given) return refused('missing X-JFrog-Event-Auth');
    if (!token) return refused('receiver secret has no token');
    return accepted(given, token, request).some(Boolean) ? verified : refused('invalid X-JFrog-Event-Auth');
  },
  parse: (request, receiver) => {
    const body = parseJsonBody(request.rawBody, 'artifactory');
    if (!isRecord(body)) throw new InvalidInputError('artifactory payload is not an object');
    // JFrog's documentation shows the event data alone, without the `domain`/`data` envelope.
    const bare = body.domain === undefined && body.data === undefined && body.image_name !== undefined;
    if ((!bare && body.domain !== 'docker') || body.event_type !== 'pushed') return noEvents();
    const data = bare ? body : body.data;
    if (!isRecord(data)) throw new InvalidInputError('artifactory docker event has no "data"');
    const repoKey = stringField(data.repo_key);
    const image = stringField(data.image_name);
    if (!repoKey || !image)
      throw new InvalidInputError('artifactory docker event needs repo_key and image_name');
    const tag = stringField(data.tag);
    if (!isReleaseTag(tag)) return noEvents();
    const host = hostOf(stringField(body.jpd_origin)) ?? '';
    const key = receiverKey(receiver);
    const deliveryId = deliveryIdOf(request, key);
    const sha256 = stringField(data.sha256)?.toLowerCase();
    const digest = sha256 && /^[0-9a-f]{64}$/.test(sha256) ? `sha256:${sha256}` : undefined;
    const spelled = (registry: string, repository: string): RegistryEvent => ({
      registry,
      repository,
      tag,
      ...(digest && { digest }),
      deliveryId,
      source: key,
    });
    return hookEvents([
      spelled(host, `${repoKey}/${image}`),
      spelled(host ? `${repoKey.toLowerCase()}.${host}` : '', image),
    ]);
  },
});

const accepted = (given: string, token: string, request: WebhookRequest): boolean[] => {
  const lower = given.toLowerCase();
  const sha256 = hmacHex('sha256', token, request.rawBody);
  return [
    constantTimeEqual(given, token),
    constantTimeEqual(lower, sha256),
    constantTimeEqual(lower, `sha256=${sha256}`),
    constantTimeEqual(lower, `sha1=${hmacHex('sha1', token, request.rawBody)}`),
  ];
};
