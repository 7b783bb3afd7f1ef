import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  handleWebhook,
  receiverForPath,
  type WebhookDeps,
  webhookDefaults,
} from '../adapters/webhooks/handle-webhook.ts';
import type { StatusView } from '../app/status-report.ts';
import type { Logger } from '../ports/logger.ts';
import { readBody } from './read-body.ts';

/**
 * The local HTTP server: Flux-compatible `POST /hook/<digest>`, `GET /healthz` and, behind a bearer
 * token, `GET /status` (the `status` command's report as JSON). Bounded against hostile senders:
 * - a `/hook/` path that names no Receiver is answered 404 before a byte of its body is read;
 * - a body is read up to the size limit within `bodyTimeoutMs` (else 413 / 408, and the connection
 *   is closed, so the rest is never read);
 * - at most `maxConcurrent` requests are read or handled at once, and at most `maxPerAddress` from
 *   one remote address (more get 429 with Retry-After at once);
 * - `GET /healthz` is answered outside those limits, so slow senders never make the service look dead;
 * - headers must arrive within `headersTimeoutMs`, a whole request within `requestTimeoutMs`; an
 *   idle keep-alive connection closes after `keepAliveTimeoutMs`, any connection after
 *   `maxRequestsPerSocket` requests, and the server holds at most `maxConnections` sockets.
 */
export const httpServerDefaults = Object.freeze({
  maxConcurrent: 256,
  maxPerAddress: 32,
  bodyTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 100,
  maxConnections: 1024,
});

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly webhook: WebhookDeps;
  readonly logger: Logger;
  readonly health: () => Record<string, unknown>;
  /**
   * `GET /status`; absent = 404. `authorize` gets the Authorization header, compares in constant time
   * and answers the view the caller may see (`undefined`: none, 401); `report` renders that view.
   */
  readonly status?: {
    readonly authorize: (authorization: string | undefined) => StatusView | undefined;
    readonly report: (view: StatusView) => Promise<unknown>;
  };
  readonly maxConcurrent?: number;
  readonly maxPerAddress?: number;
  readonly bodyTimeoutMs?: number;
}

export interface RunningServer {
  readonly url: string;
  /** Stops accepting connections and waits for the requests in progress. */
  close(): Promise<void>;
}

const headersOf = (request: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
};

const send = (
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(body);
};

export const startHttpServer = async (options: HttpServerOptions): Promise<RunningServer> => {
  const maxConcurrent = options.maxConcurrent ?? httpServerDefaults.maxConcurrent;
  const maxPerAddress = options.maxPerAddress ?? httpServerDefaults.maxPerAddress;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? httpServerDefaults.bodyTimeoutMs;
  const limit = options.webhook.maxBodyBytes ?? webhookDefaults.maxBodyBytes;
  let active = 0;
  const activeByAddress = new Map<string, number>();
  let idle: (() => void) | undefined;

  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' && (request.method === 'GET' || request.method === 'HEAD')) {
      request.resume();
      send(response, 200, JSON.stringify({ status: 'ok', ...options.health() }));
      return;
    }
    if (url.pathname === '/status' && options.status && request.method === 'GET') {
      request.resume();
      const view = options.status.authorize(request.headers.authorization);
      if (!view) {
        // The answer never says which part was wrong, nor echoes what was sent.
        send(response, 401, JSON.stringify({ error: 'unauthorized' }), {
          'www-authenticate': 'Bearer realm="image-automation"',
        });
        return;
      }
      send(response, 200, JSON.stringify(await options.status.report(view)), { 'cache-control': 'no-store' });
      return;
    }
    if (!url.pathname.startsWith('/hook/')) {
      send(response, 404, JSON.stringify({ error: 'not found' }), { connection: 'close' });
      return;
    }
    // Unknown Receiver: refused before the body is read, and the connection closed, so a made-up
    // path costs neither memory nor a slot for as long as its sender cares to dribble.
    if (!receiverForPath(url.pathname, options.webhook)) {
      send(response, 404, JSON.stringify({ error: 'not found' }), { connection: 'close' });
      return;
    }
    const body =
      request.method === 'POST'
        ? await readBody(request, limit, bodyTimeoutMs)
        : ({ ok: true, body: new Uint8Array() } as const);
    if (!body.ok && body.reason === 'timeout') {
      send(response, 408, JSON.stringify({ error: `body not received within ${bodyTimeoutMs} ms` }), {
        connection: 'close',
      });
      return;
    }
    const answer = await handleWebhook(
      {
        method: request.method ?? 'GET',
        path: url.pathname,
        headers: headersOf(request),
        query: Object.fromEntries(url.searchParams),
        rawBody: body.ok ? body.body : new Uint8Array(),
        bodyTooLarge: !body.ok,
        receivedAt: new Date(),
      },
      options.webhook,
    );
    const unread = request.method !== 'POST' || !body.ok;
    send(response, answer.status, answer.body, { ...answer.headers, ...(unread && { connection: 'close' }) });
  };

  const isHealthCheck = (request: IncomingMessage) =>
    (request.method === 'GET' || request.method === 'HEAD') &&
    new URL(request.url ?? '/', 'http://localhost').pathname === '/healthz';

  const server: Server = createServer({ connectionsCheckingInterval: 1000 }, (request, response) => {
    const address = request.socket.remoteAddress ?? '';
    const counted = !isHealthCheck(request);
    if (counted && (active >= maxConcurrent || (activeByAddress.get(address) ?? 0) >= maxPerAddress)) {
      send(response, 429, JSON.stringify({ error: 'too many requests' }), {
        'retry-after': '1',
        connection: 'close',
      });
      return;
    }
    if (counted) {
      active++;
      activeByAddress.set(address, (activeByAddress.get(address) ?? 0) + 1);
    }
    serve(request, response)
      .catch((error: unknown) => {
        options.logger.error('request failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        if (!response.headersSent) send(response, 500, JSON.stringify({ error: 'internal error' }));
        else response.end();
      })
      .finally(() => {
        if (!counted) return;
        active--;
        const left = (activeByAddress.get(address) ?? 1) - 1;
        if (left === 0) activeByAddress.delete(address);
        else activeByAddress.set(address, left);
        if (active === 0) idle?.();
      });
  });
  server.headersTimeout = httpServerDefaults.headersTimeoutMs;
  server.requestTimeout = httpServerDefaults.requestTimeoutMs;
  server.keepAliveTimeout = httpServerDefaults.keepAliveTimeoutMs;
  server.maxRequestsPerSocket = httpServerDefaults.maxRequestsPerSocket;
  server.maxConnections = httpServerDefaults.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (active > 0) await new Promise<void>((resolve) => (idle = resolve));
      await closed;
    },
  };
};
