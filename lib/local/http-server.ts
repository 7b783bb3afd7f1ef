import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleWebhook, type WebhookDeps, webhookDefaults } from '../adapters/webhooks/handle-webhook.ts';
import type { StatusView } from '../app/status-report.ts';
import type { Logger } from '../ports/logger.ts';
import { readBody } from './read-body.ts';

/**
 * The local HTTP server: Flux-compatible `POST /hook/<digest>`, `GET /healthz` and, behind a bearer
 * token, `GET /status` (the `status` command's report as JSON). Bounded: at most
 * `maxConcurrent` requests are handled at once (more get 429 with Retry-After at once), bodies are
 * read up to the limit only, and slow senders time out.
 */
export const httpServerDefaults = Object.freeze({ maxConcurrent: 256, requestTimeoutMs: 30_000 });

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
  const limit = options.webhook.maxBodyBytes ?? webhookDefaults.maxBodyBytes;
  let active = 0;
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
      request.resume();
      send(response, 404, JSON.stringify({ error: 'not found' }));
      return;
    }
    const body = await readBody(request, limit);
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
    send(response, answer.status, answer.body, { ...answer.headers });
  };

  const server: Server = createServer((request, response) => {
    if (active >= maxConcurrent) {
      request.resume();
      send(response, 429, JSON.stringify({ error: 'too many requests' }), { 'retry-after': '1' });
      return;
    }
    active++;
    serve(request, response)
      .catch((error: unknown) => {
        options.logger.error('request failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        if (!response.headersSent) send(response, 500, JSON.stringify({ error: 'internal error' }));
        else response.end();
      })
      .finally(() => {
        active--;
        if (active === 0) idle?.();
      });
  });
  server.requestTimeout = httpServerDefaults.requestTimeoutMs;
  server.headersTimeout = Math.min(server.headersTimeout, httpServerDefaults.requestTimeoutMs);
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
