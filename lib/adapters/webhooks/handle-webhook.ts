import type { IngestInput, IngestOutcome } from '../../app/ingest-hook.ts';
import { isAppError } from '../../domain/errors.ts';
import type { RegistryEvent } from '../../domain/work.ts';
import type { Logger } from '../../ports/logger.ts';
import type { ConfiguredReceiver } from './configured-receivers.ts';
import type { WebhookRequest } from './webhook-request.ts';

/**
 * The webhook edge, shared by the local server and the Lambda function: route, limit, verify on
 * the raw body, parse, ingest. Answers, in this order: 404 unknown path (no hint of what was
 * wrong), 405 not POST, 413 body over the limit, 415 wrong content type, 401 bad or missing
 * signature, 400 malformed payload, 413 more than `maxEventsPerRequest` events, 202 accepted (also for a replay, which causes no work),
 * 429 with Retry-After when the queue is full, 503 when queueing failed for another reason.
 */
export const webhookDefaults = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  /**
   * Entries one payload may carry (kept or ignored): each kept one is a delivery to remember and work
   * to queue. Registries send one push per request, or a few (Distribution's envelopes); more is
   * refused with 413, so one request cannot turn into thousands of writes.
   */
  maxEventsPerRequest: 100,
});

export interface WebhookResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface WebhookDeps {
  readonly receivers: () => ReadonlyMap<string, ConfiguredReceiver>;
  readonly ingest: (input: IngestInput) => Promise<IngestOutcome>;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
}

const HOOK_PATH = /^\/hook\/([0-9a-f]{64})\/?$/;

const answer = (
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): WebhookResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * The Receiver a path names, or undefined (answer 404). The local server asks this before it reads
 * a body, so a made-up path costs no buffering and no waiting on a slow sender.
 */
export const receiverForPath = (path: string, deps: Pick<WebhookDeps, 'receivers'>) => {
  const digest = HOOK_PATH.exec(path)?.[1];
  return digest ? deps.receivers().get(digest) : undefined;
};

const mediaType = (header: string | undefined) => (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

export const handleWebhook = async (
  request: WebhookRequest & { readonly bodyTooLarge?: boolean },
  deps: WebhookDeps,
): Promise<WebhookResponse> => {
  const limit = deps.maxBodyBytes ?? webhookDefaults.maxBodyBytes;
  const configured = receiverForPath(request.path, deps);
  if (!configured) return answer(404, { error: 'not found' });
  const { implementation, context } = configured;
  const log = deps.logger.child({ receiver: `${context.namespace}/${context.name}`, type: context.type });
  if (request.method !== 'POST') return answer(405, { error: 'method not allowed' }, { allow: 'POST' });
  if (request.bodyTooLarge || request.rawBody.length > limit) {
    log.warn('webhook refused: body too large', { limit });
    return answer(413, { error: `body larger than ${limit} bytes` });
  }
  const contentType = mediaType(request.headers['content-type']);
  if (implementation.contentTypes && !implementation.contentTypes.includes(contentType)) {
    log.warn('webhook refused: content type', { contentType });
    return answer(415, { error: `content type must be one of ${implementation.contentTypes.join(', ')}` });
  }
  const verification = await implementation.verify(request, context);
  if (!verification.ok) {
    log.warn('webhook refused: verification failed', { reason: verification.reason });
    return answer(401, { error: 'unauthorized' });
  }
  let events: readonly RegistryEvent[];
  let ignored = 0;
  try {
    const parsed = implementation.parse(request, context);
    if (parsed.kind === 'resources') {
      events = configured.repositories.map((repository) => ({
        registry: repository.spec.imageName.registry,
        repository: repository.spec.imageName.repository,
        deliveryId: `${parsed.deliveryId}:${repository.spec.imageName.canonical}`,
        source: `${context.namespace}/${context.name}`,
      }));
    } else {
      events = parsed.events;
      ignored = parsed.ignored;
    }
    const entries = parsed.kind === 'events' ? events.length + ignored : 0;
    if (entries > webhookDefaults.maxEventsPerRequest) {
      log.warn('webhook refused: too many events', { entries, limit: webhookDefaults.maxEventsPerRequest });
      return answer(413, {
        error: `payload carries ${entries} events; at most ${webhookDefaults.maxEventsPerRequest} per request`,
      });
    }
  } catch (error) {
    if (isAppError(error) && error.code === 'InvalidInput') {
      log.warn('webhook refused: malformed payload', { reason: error.message });
      return answer(400, { error: error.message });
    }
    throw error;
  }
  try {
    const outcome = await deps.ingest({ events, repositories: configured.repositories });
    log.info('webhook accepted', { ...outcome, ignored });
    return answer(202, { ...outcome, ignored });
  } catch (error) {
    const retryAfter = isAppError(error) ? error.data.retryAfterSeconds : undefined;
    if (isAppError(error) && error.data.reason === 'queue-full') {
      log.warn('webhook refused: queue full');
      return answer(429, { error: 'too many requests' }, { 'retry-after': String(retryAfter ?? 5) });
    }
    log.error('webhook could not be queued', { error: isAppError(error) ? error.toJSON() : String(error) });
    return answer(503, { error: 'temporarily unavailable' }, { 'retry-after': '5' });
  }
};
