import { Buffer } from 'node:buffer';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GitServer } from '../../infra/peers/git-server.ts';

/**
 * What the fake GitHub and GitLab share: a node:http server on 127.0.0.1 that records every request
 * (method, raw path, the headers the API cares about, the JSON body), answers JSON, and forwards Git
 * smart-HTTP requests (`/<owner>/<repo>.git/…`) to a real `git http-backend` server once the forge
 * has accepted their credentials.
 */

export interface RecordedRequest {
  readonly method: string;
  /** Raw request target, percent-encoding kept (GitLab's `:id` is an encoded path). */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  status?: number;
}

export interface ForgeExchange {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly body: unknown;
  /** Raw body text, for checking that bodies are JSON. */
  readonly text: string;
  reply(status: number, json: unknown, headers?: Record<string, string>): void;
}

export interface FakeForgeServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  stop(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
};

export const startFakeForgeServer = async (handlers: {
  /** Credentials check for Git requests; false → 401 with a Basic challenge. */
  readonly gitAuth: (authorization: string | undefined) => boolean;
  readonly gitServer?: GitServer;
  readonly api: (exchange: ForgeExchange) => Promise<void> | void;
}): Promise<FakeForgeServer> => {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (/\.git(\/|$)/.test(url.pathname) && handlers.gitServer) return proxyGit(req, res, handlers);
    readBody(req)
      .then(async (text) => {
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = text;
        }
        const record: RecordedRequest = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headers,
          body,
        };
        requests.push(record);
        await handlers.api({
          req,
          url,
          body,
          text,
          reply: (status, json, headers = {}) => {
            record.status = status;
            res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
            res.end(JSON.stringify(json));
          },
        });
      })
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(error) }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

const proxyGit = (
  req: IncomingMessage,
  res: ServerResponse,
  handlers: { gitAuth: (authorization: string | undefined) => boolean; gitServer?: GitServer },
) => {
  if (!handlers.gitAuth(req.headers.authorization)) {
    req.resume();
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="fake forge"', 'content-type': 'text/plain' });
    res.end('Invalid username or token.\n');
    return;
  }
  const target = new URL(handlers.gitServer?.baseUrl ?? '');
  const { authorization: _dropped, host: _host, ...headers } = req.headers;
  const upstream = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
};

/** `Basic base64(user:password)` → [user, password]; undefined for other schemes. */
export const basicCredentials = (authorization: string | undefined): [string, string] | undefined => {
  const match = /^Basic (.+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const [user = '', ...rest] = Buffer.from(match[1], 'base64').toString().split(':');
  return [user, rest.join(':')];
};

/** Keys of `body` outside `allowed`: the fakes refuse what the documented request does not have. */
export const unknownKeys = (body: unknown, allowed: readonly string[]): string[] =>
  typeof body === 'object' && body !== null ? Object.keys(body).filter((key) => !allowed.includes(key)) : [];
