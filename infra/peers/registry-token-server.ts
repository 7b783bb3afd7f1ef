import { execFile } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { goPeerClockOffsetMs, realClockEnv } from './go-peer-clock.ts';

/**
 * A tiny token service for distribution's `auth.token` mode, per the distribution token spec
 * (https://distribution.github.io/distribution/spec/auth/jwt/): RS256 JWTs whose `x5c` header carries a
 * self-signed certificate that the registry trusts through `rootcertbundle`
 * (shared/reference/real-components.md §1.1).
 *
 * GET  /token?service=…&scope=…   Basic credentials optional; anonymous callers get a token with no access.
 * POST /token (form)              OAuth2 `grant_type=password` or `refresh_token` (identity tokens).
 */
export interface TokenServer {
  /** The realm, e.g. `http://127.0.0.1:PORT/token`. */
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** PEM certificate for the registry's `rootcertbundle`. */
  readonly certificatePath: string;
  /** Every request so far (method, path and query only; never credentials). */
  readonly requests: ReadonlyArray<{
    readonly method: string;
    readonly url: string;
    readonly status: number;
  }>;
  stop(): Promise<void>;
}

export interface StartTokenServerOptions {
  /** Scratch directory for the key and certificate. */
  readonly dir: string;
  readonly users: Readonly<Record<string, string>>;
  /** Identity (refresh) tokens → user name. */
  readonly refreshTokens?: Readonly<Record<string, string>>;
  readonly service?: string;
  readonly issuer?: string;
  readonly lifetimeSeconds?: number;
}

const run = promisify(execFile);
const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

interface Access {
  type: string;
  name: string;
  actions: string[];
}

/** `repository:team/app:pull,push` → access entry (names may not contain `:`, hosts aside). */
const parseScope = (scope: string): Access | undefined => {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope.slice(last + 1).split(','),
  };
};

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const basicUser = (header: string | undefined): { user: string; password: string } | undefined => {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
};

export const startTokenServer = async (options: StartTokenServerOptions): Promise<TokenServer> => {
  const service = options.service ?? 'test-registry';
  const issuer = options.issuer ?? 'test-token-issuer';
  const lifetime = options.lifetimeSeconds ?? 300;
  const keyPath = join(options.dir, 'token.key');
  const certificatePath = join(options.dir, 'token.crt');
  // The registry (Go) checks the certificate's validity and the token's times on the real clock,
  // also when `npm run test:later` moves ours: issue both on the registry's clock.
  const registryClockOffsetMs = await goPeerClockOffsetMs();
  await run(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certificatePath,
      '-days',
      '30',
      '-subj',
      '/CN=image-automation-test-token-issuer',
    ],
    { env: realClockEnv() },
  );
  const privateKey = createPrivateKey(await readFile(keyPath));
  const x5c = new X509Certificate(await readFile(certificatePath)).raw.toString('base64');
  const requests: { method: string; url: string; status: number }[] = [];

  const issue = (subject: string, scopes: string[]): string => {
    const now = Math.floor((Date.now() + registryClockOffsetMs) / 1000);
    const access = subject === '' ? [] : scopes.flatMap((s) => parseScope(s) ?? []);
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [x5c] }));
    const claims = base64url(
      JSON.stringify({
        iss: issuer,
        sub: subject,
        aud: service,
        exp: now + lifetime,
        nbf: now - 5,
        iat: now,
        jti: randomUUID(),
        access,
      }),
    );
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), privateKey);
    return `${header}.${claims}.${base64url(signature)}`;
  };

  const answer = (response: ServerResponse, status: number, body: unknown): number => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
    return status;
  };
  const denied = { errors: [{ code: 'UNAUTHORIZED', message: 'bad creds' }] };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<number> => {
    const url = new URL(request.url ?? '/', 'http://token');
    if (url.pathname !== '/token') return answer(response, 404, {});
    const issuedAt = new Date(Date.now() + registryClockOffsetMs).toISOString();
    if (request.method === 'POST') {
      const form = new URLSearchParams(await readBody(request));
      const grant = form.get('grant_type');
      const subject =
        grant === 'refresh_token'
          ? options.refreshTokens?.[form.get('refresh_token') ?? '']
          : grant === 'password' && options.users[form.get('username') ?? ''] === form.get('password')
            ? (form.get('username') ?? undefined)
            : undefined;
      if (subject === undefined) return answer(response, 401, denied);
      const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      return answer(response, 200, {
        access_token: issue(subject, scopes),
        expires_in: lifetime,
        issued_at: issuedAt,
      });
    }
    const credentials = basicUser(request.headers.authorization);
    if (credentials && options.users[credentials.user] !== credentials.password)
      return answer(response, 401, denied);
    const scopes = url.searchParams.getAll('scope');
    return answer(response, 200, {
      token: issue(credentials?.user ?? '', scopes),
      expires_in: lifetime,
      issued_at: issuedAt,
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).then(
      (status) => requests.push({ method: request.method ?? '', url: request.url ?? '', status }),
      () => answer(response, 500, {}),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certificatePath,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
