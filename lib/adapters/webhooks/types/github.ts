import { InvalidInputError } from '../../../domain/errors.ts';
import { verifyPrefixedHmac } from '../constant-time.ts';
import { signedBodyDeliveryId } from '../delivery-id.ts';
import { digestOf, isoTime, isReleaseTag, splitReference } from '../image-reference.ts';
import { isRecord, parseJsonBody, stringField } from '../json-body.ts';
import { hookEvents, noEvents, receiverKey, refused, verified } from '../parsed-hook.ts';
import { defineReceiver, type WebhookRequest } from '../webhook-request.ts';

const PACKAGE_EVENTS = new Set(['package', 'registry_package']);
const PUSH_ACTIONS = new Set(['published', 'updated']);
// The real value is `CONTAINER`; GitHub's own examples say `docker`.
const CONTAINER_TYPES = new Set(['container', 'docker']);
const FORM = 'application/x-www-form-urlencoded';

/**
 * GitHub Packages (GHCR) `package` and `registry_package` webhooks (Flux `github`).
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#package
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 *
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>` is required. Unlike Flux
 * (go-github `ValidatePayload`), the legacy SHA-1 `X-Hub-Signature` is never accepted as a
 * fallback: a stripped SHA-256 header would otherwise downgrade the check. The body is JSON or a
 * form with the JSON in `payload`; the signature covers the bytes as sent. A multi-arch push
 * fires once per manifest: only events naming a tag count. `ping` and other events are accepted
 * and ignored.
 */
export const githubReceiver = defineReceiver({
  type: 'github',
  contentTypes: ['application/json', FORM],
  verify: (request, receiver) =>
    receiver.secret.token &&
    verifyPrefixedHmac(request.headers['x-hub-signature-256'], receiver.secret.token, request.rawBody, [
      'sha256',
    ])
      ? verified
      : refused('missing or invalid X-Hub-Signature-256'),
  parse: (request, receiver) => {
    const body = payloadOf(request);
    const event = request.headers['x-github-event']?.trim().toLowerCase();
    if (!isRecord(body)) throw new InvalidInputError('github payload is not an object');
    if (!event || !PACKAGE_EVENTS.has(event)) return noEvents();
    const pkg = isRecord(body.package) ? body.package : body.registry_package;
    if (!isRecord(pkg)) throw new InvalidInputError(`github ${event} payload has no package`);
    const type = stringField(pkg.package_type) ?? stringField(pkg.ecosystem);
    if (!PUSH_ACTIONS.has(String(body.action)) || !CONTAINER_TYPES.has(type?.toLowerCase() ?? '')) {
      return noEvents();
    }
    const version = isRecord(pkg.package_version) ? pkg.package_version : {};
    const metadata = isRecord(version.container_metadata) ? version.container_metadata : {};
    const tagInfo = isRecord(metadata.tag) ? metadata.tag : {};
    const tag = stringField(tagInfo.name);
    if (!isReleaseTag(tag)) return noEvents();
    const where = whereOf(version.package_url, pkg);
    if (!where) throw new InvalidInputError('github package names no image');
    const key = receiverKey(receiver);
    const digest = digestOf(tagInfo.digest) ?? digestOf(version.name);
    const pushedAt = isoTime(version.updated_at ?? version.created_at);
    return hookEvents([
      {
        ...where,
        tag,
        ...(digest && { digest }),
        // Not X-GitHub-Delivery: the signature does not cover it; a redelivery resends the same bytes.
        deliveryId: signedBodyDeliveryId(key, 'github', request.rawBody),
        source: key,
        ...(pushedAt && { pushedAt }),
      },
    ]);
  },
});

const payloadOf = (request: WebhookRequest): unknown => {
  const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== FORM) return parseJsonBody(request.rawBody, 'github');
  let payload: string | null;
  try {
    payload = new URLSearchParams(new TextDecoder('utf-8', { fatal: true }).decode(request.rawBody)).get(
      'payload',
    );
  } catch (cause) {
    throw new InvalidInputError('github form payload is not UTF-8', { cause });
  }
  if (payload === null) throw new InvalidInputError('github form has no "payload" field');
  return parseJsonBody(new TextEncoder().encode(payload), 'github');
};

/**
 * GHCR repositories are `owner/name`, lower-case. `package_url` (`ghcr.io/acme/web:v1`, sometimes
 * with a dangling `:`) also names the host; the package's namespace and name are the fallback.
 */
const whereOf = (packageUrl: unknown, pkg: Record<string, unknown>) => {
  const fromUrl = typeof packageUrl === 'string' ? splitReference(packageUrl.replace(/:$/, '')) : undefined;
  if (fromUrl) return { registry: fromUrl.registry, repository: fromUrl.repository.toLowerCase() };
  const owner = isRecord(pkg.owner) ? stringField(pkg.owner.login) : undefined;
  const namespace = stringField(pkg.namespace) ?? owner;
  const name = stringField(pkg.name);
  return namespace && name
    ? { registry: 'ghcr.io', repository: `${namespace}/${name}`.toLowerCase() }
    : undefined;
};
