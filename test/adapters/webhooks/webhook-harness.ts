import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createMemoryStateStore } from '../../../lib/adapters/state/memory-state-store.ts';
import { configureReceivers } from '../../../lib/adapters/webhooks/configured-receivers.ts';
import { handleWebhook, type WebhookResponse } from '../../../lib/adapters/webhooks/handle-webhook.ts';
import { hookPath } from '../../../lib/adapters/webhooks/hook-path.ts';
import { ingestHook } from '../../../lib/app/ingest-hook.ts';
import { UpstreamError } from '../../../lib/domain/errors.ts';
import type { FluxConfig } from '../../../lib/domain/flux/types.ts';
import type { Logger } from '../../../lib/ports/logger.ts';
import type { Queue, QueueMessage } from '../../../lib/ports/queue.ts';
import { fleetConfig, type ReceiverFixture, tokenOf } from './fleet-config.ts';
import { googleKeys, PUBSUB_AUDIENCE, PUBSUB_EMAIL, pushClaims, signJwt } from './google-token.ts';

export const NOW = new Date('2026-03-20T14:27:10Z');
export const google = googleKeys();

/** Every Receiver of the test fleet, one per type. */
export const RECEIVERS: readonly ReceiverFixture[] = [
  { type: 'dockerhub', images: { 'hub-web': 'acme/web' } },
  { type: 'quay', images: { 'quay-web': 'quay.io/acme/web' } },
  { type: 'harbor', images: { 'harbor-web': 'harbor.example.com/team/web' } },
  { type: 'github', images: { 'ghcr-web': 'ghcr.io/acme/web' } },
  { type: 'acr', images: { 'acr-web': 'acme.azurecr.io/team/web' } },
  {
    type: 'gcr',
    images: { 'gar-web': 'europe-docker.pkg.dev/acme-prod/images/web' },
    secret: { audience: PUBSUB_AUDIENCE, email: PUBSUB_EMAIL, jwks: google.jwks },
  },
  {
    type: 'nexus',
    images: {
      'nexus-web': 'nexus.example.com:8443/team/web',
      'nexus-api': 'nexus.example.com/docker-hosted/team/api',
    },
  },
  {
    type: 'artifactory',
    images: {
      'jfrog-web': 'acme.jfrog.io/docker-local/team/web',
      'jfrog-api': 'docker-local.acme.jfrog.io/team/api',
    },
  },
  { type: 'cdevents', images: { 'cd-api': 'ghcr.io/acme/api' } },
  { type: 'ecr', images: { 'ecr-web': '123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/web' } },
  { type: 'distribution', images: { 'dist-web': 'registry.example.com/team/web' } },
  { type: 'generic-hmac', images: { 'hmac-web': 'registry.example.com/team/hmac' } },
];

export type Auth = 'valid' | 'bad' | 'missing';

const hmac = (algorithm: string, key: string, body: Uint8Array) =>
  createHmac(algorithm, key).update(body).digest('hex');

const WRONG = 'not-the-token';

/** The headers each sender uses to authenticate `body`, signed with the right or a wrong secret. */
export const authHeaders = (type: string, body: Uint8Array, auth: Auth): Record<string, string> => {
  if (auth === 'missing') return {};
  const key = auth === 'valid' ? tokenOf(type) : WRONG;
  switch (type) {
    case 'harbor':
      return { authorization: key };
    case 'acr':
    case 'cdevents':
    case 'distribution':
      return { authorization: `Bearer ${key}` };
    case 'github':
      return { 'x-hub-signature-256': `sha256=${hmac('sha256', key, body)}` };
    case 'nexus':
      return { 'x-nexus-webhook-signature': hmac('sha1', key, body) };
    case 'artifactory':
      return { 'x-jfrog-event-auth': key };
    case 'ecr':
    case 'generic-hmac':
      return { 'x-signature': `sha256=${hmac('sha256', key, body)}` };
    case 'gcr':
      return {
        authorization: `Bearer ${signJwt(pushClaims(NOW, auth === 'valid' ? {} : { aud: WRONG }), google.privateKey, { kid: google.kid })}`,
      };
    default:
      return {};
  }
};

/** Types whose sender cannot authenticate a request: the URL is the secret. */
export const UNSIGNED = new Set(['dockerhub', 'quay']);

export const fixture = (type: string, name: string): Uint8Array =>
  readFileSync(new URL(`../../fixtures/webhooks/${type}/${name}`, import.meta.url));

export const receiverPath = (type: string, token = tokenOf(type)) => hookPath(token, type, 'apps');

export interface PostOptions {
  readonly body: Uint8Array | string;
  readonly auth?: Auth;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly path?: string;
  readonly method?: string;
}

/** What one queued reconcile request says, for exact assertions. */
export const summary = (message: QueueMessage) => ({
  automation: message.request.automation,
  repositories: message.request.repositories,
  deliveryIds: message.request.deliveryIds,
});

/** A logger keeping every line as text, to check that no secret is ever logged. */
export const recordingLogger = (lines: string[] = [], context: Record<string, unknown> = {}): Logger => {
  const write = (message: string, fields?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ message, ...context, ...fields }));
  };
  return {
    debug: write,
    info: write,
    warn: write,
    error: write,
    child: (fields) => recordingLogger(lines, { ...context, ...fields }),
  };
};

/** The webhook edge wired like production: real ingestion, memory state, a recording queue. */
export const createHarness = async (config: FluxConfig = fleetConfig(RECEIVERS)) => {
  const queued: QueueMessage[] = [];
  const logLines: string[] = [];
  const logger = recordingLogger(logLines);
  let refusals = 0;
  const queue: Queue = {
    send: async (messages) => {
      if (refusals > 0) {
        refusals--;
        // What a bounded queue throws when it is full.
        throw new UpstreamError('queue full', { data: { reason: 'queue-full', retryAfterSeconds: 7 } });
      }
      queued.push(...messages);
    },
  };
  const state = createMemoryStateStore();
  const secrets = {
    getSecret: async (namespace: string, name: string) => {
      const secret = config.secrets.find(
        (s) => s.metadata.namespace === namespace && s.metadata.name === name,
      );
      if (!secret) return undefined;
      return Object.fromEntries(
        Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v).toString('utf8')]),
      );
    },
  };
  const receivers = await configureReceivers(config, secrets, logger);
  const clock = { now: () => NOW };
  const deps = {
    receivers: () => receivers,
    ingest: (input: Parameters<typeof ingestHook>[1]) =>
      ingestHook({ config, state, queue, clock, logger }, input),
    logger,
  };
  const post = (type: string, options: PostOptions): Promise<WebhookResponse> => {
    const rawBody = typeof options.body === 'string' ? new TextEncoder().encode(options.body) : options.body;
    const headers = {
      'content-type': options.contentType ?? 'application/json',
      ...authHeaders(type, rawBody, options.auth ?? 'valid'),
      ...options.headers,
    };
    return handleWebhook(
      {
        method: options.method ?? 'POST',
        path: options.path ?? receiverPath(type),
        headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
        rawBody,
        receivedAt: NOW,
      },
      deps,
    );
  };
  const refuseNextSends = (count: number) => {
    refusals = count;
  };
  return { post, queued, receivers, deps, logLines, refuseNextSends };
};

/** `body` padded with JSON whitespace to one byte over the 1 MiB limit. */
export const oversized = (body: Uint8Array): Uint8Array => {
  const padded = new Uint8Array(1024 * 1024 + 1).fill(0x20);
  padded.set(body);
  return padded;
};
