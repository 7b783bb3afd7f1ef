import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP proxy on 127.0.0.1 in front of a real peer (the registry, the Git server) that injects
 * faults per request: error statuses, throttling with Retry-After, hangs, connection resets, the
 * answer lost after the peer acted, and the whole server going away and coming back on the same port.
 * It records every request (method, path, what it did), so tests and benchmarks can count calls.
 *
 * @example
 * const proxy = await startFaultProxy(registry.url);
 * proxy.setRule(({ method }) => (method === 'HEAD' ? { kind: 'status', status: 503 } : undefined));
 * // … point the client at proxy.host …
 * proxy.setRule(undefined); // healthy again
 */

export type Fault =
  /** Answer this status instead of forwarding (e.g. 500, or 429 with `retry-after`). */
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>> }
  /** Read the request, never answer: the client's own timeout must end it. */
  | { readonly kind: 'hang' }
  /** Reset the connection (TCP RST) as soon as the request arrives: nothing reaches the peer. */
  | { readonly kind: 'reset' }
  /** Forward, let the peer finish, then reset instead of answering: it acted, the client never hears. */
  | { readonly kind: 'reset-after-forward' }
  /** Forward after a pause. */
  | { readonly kind: 'delay'; readonly ms: number };

export interface RequestInfo {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  /** 0-based position among all requests the proxy received. */
  readonly index: number;
}

export interface ProxiedRequest extends RequestInfo {
  /** performance.now() when it arrived. */
  readonly at: number;
  /** What the proxy did: 'forward' or a fault kind. */
  readonly action: 'forward' | Fault['kind'];
  /** Status the client received; 0 when it received none (reset, hang, lost). */
  status: number;
}

export type FaultRule = (request: RequestInfo) => Fault | undefined;

export interface FaultProxy {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: readonly ProxiedRequest[];
  /** Every later request goes through `rule`; undefined (or a rule answering undefined) forwards. */
  setRule(rule: FaultRule | undefined): void;
  /** The server goes away: open connections are reset and new ones refused, until `up()`. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

export const startFaultProxy = async (target: string): Promise<FaultProxy> => {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  let rule: FaultRule | undefined;
  let port = 0;
  let server: Server | undefined;

  const reset = (req: IncomingMessage) => {
    // resetAndDestroy sends RST where the platform allows: the client sees ECONNRESET, not a clean close.
    const socket = req.socket as Socket & { resetAndDestroy?: () => void };
    if (socket.resetAndDestroy) socket.resetAndDestroy();
    else socket.destroy();
  };

  const forward = (req: IncomingMessage, res: ServerResponse, record: ProxiedRequest, answer: boolean) => {
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (response) => {
        if (!answer) {
          // Let the peer finish its work (a ref update, a manifest write), then drop the client.
          response.resume();
          response.on('end', () => reset(req));
          return;
        }
        record.status = response.statusCode ?? 0;
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    outgoing.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('proxy: upstream failed\n');
      record.status = 502;
    });
    req.pipe(outgoing);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const info: RequestInfo = { method: req.method ?? 'GET', path: req.url ?? '/', index: requests.length };
    const fault = rule?.(info);
    const record: ProxiedRequest = {
      ...info,
      at: performance.now(),
      action: fault?.kind ?? 'forward',
      status: 0,
    };
    requests.push(record);
    switch (fault?.kind) {
      case undefined:
        forward(req, res, record, true);
        return;
      case 'status':
        req.resume();
        record.status = fault.status;
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(JSON.stringify({ errors: [{ code: 'INJECTED', message: `injected ${fault.status}` }] }));
        return;
      case 'hang':
        req.resume();
        return; // the socket stays open until the client gives up or the proxy stops
      case 'reset':
        reset(req);
        return;
      case 'reset-after-forward':
        forward(req, res, record, false);
        return;
      case 'delay':
        setTimeout(() => forward(req, res, record, true), fault.ms);
        return;
    }
  };

  const listen = async () => {
    const next = createServer(handle);
    next.keepAliveTimeout = 1000;
    next.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };

  const close = async () => {
    const current = server;
    server = undefined;
    if (!current) return;
    const closed = new Promise<void>((resolve) => current.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  await listen();
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    setRule: (next) => {
      rule = next;
    },
    down: close,
    up: async () => {
      if (!server) await listen();
    },
    stop: close,
  };
};

/** Requests by kind as the OCI Distribution API names them (for counting calls per event). */
export const registryRequestKind = (request: { method: string; path: string }): string => {
  const path = request.path.split('?')[0] ?? '';
  if (path === '/v2/' || path === '/v2') return 'ping';
  if (path.endsWith('/tags/list')) return 'tags list';
  if (path.includes('/manifests/')) return `manifest ${request.method}`;
  if (path.includes('/blobs/')) return `blob ${request.method}`;
  return `${request.method} other`;
};
