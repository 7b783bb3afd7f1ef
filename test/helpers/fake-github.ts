import { createPublicKey, randomBytes, verify } from 'node:crypto';
import type { GitServer } from '../../infra/peers/git-server.ts';
import {
  basicCredentials,
  type FakeForgeServer,
  type ForgeExchange,
  startFakeForgeServer,
  unknownKeys,
} from './fake-forge-server.ts';

/**
 * A GitHub (Enterprise Server layout: API under `/api/v3`, Git under `/<owner>/<repo>.git`) that
 * checks requests as the REST docs describe them — `Accept: application/vnd.github+json`,
 * `X-GitHub-Api-Version: 2022-11-28`, a User-Agent, Bearer auth, JSON bodies with the documented
 * keys only — and answers with the documented shapes and errors. GitHub App installation tokens are
 * minted only for a JWT whose RS256 signature verifies with the app's public key.
 */

export interface FakeGitHubOptions {
  readonly gitServer: GitServer;
  /** Personal access tokens accepted for the API and for Git (`<any user>:<token>`). */
  readonly tokens?: readonly string[];
  readonly app?: {
    readonly id: string;
    readonly installationId: string;
    readonly publicKeyPem: string;
    /** Accounts the app is installed on (`GET /users/{owner}/installation`); default none. */
    readonly installedOn?: readonly string[];
  };
  /** Logins that may be requested as reviewers (GitHub: collaborators); teams as `org/team` slugs. */
  readonly collaborators?: readonly string[];
  readonly tokenTtlMs?: number;
  /** Milliseconds since the epoch; the fake's notion of now (JWT times, token expiry). */
  readonly now?: () => number;
}

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  labels: string[];
  reviewers: string[];
  teams: string[];
  repo: string;
}

export interface FakeGitHub extends FakeForgeServer {
  readonly apiUrl: string;
  gitUrl(repo: string): string;
  readonly pulls: FakePull[];
  /** Installation tokens minted so far, oldest first. */
  readonly mintedTokens: string[];
  /** Invalidates every installation token (what an early expiry or revocation looks like). */
  revokeInstallationTokens(): void;
}

const API_PREFIX = '/api/v3';
const DOCS = 'https://docs.github.com/rest';

const error = (status: number, message: string, extra: Record<string, unknown> = {}) => ({
  message,
  documentation_url: DOCS,
  status: String(status),
  ...extra,
});

const verifyJwt = (jwt: string, publicKeyPem: string, appId: string, nowSeconds: number): boolean => {
  const [header = '', payload = '', signature = ''] = jwt.split('.');
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string };
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      number | string
    >;
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey(publicKeyPem),
      Buffer.from(signature, 'base64url'),
    );
    const iat = Number(claims.iat);
    const exp = Number(claims.exp);
    return (
      head.alg === 'RS256' &&
      signed &&
      String(claims.iss) === appId &&
      iat <= nowSeconds + 60 &&
      exp > nowSeconds &&
      exp - iat <= 600
    );
  } catch {
    return false;
  }
};

export const startFakeGitHub = async (options: FakeGitHubOptions): Promise<FakeGitHub> => {
  const pulls: FakePull[] = [];
  const mintedTokens: string[] = [];
  const activeTokens = new Map<string, number>();
  const tokens = new Set(options.tokens ?? []);
  const now = options.now ?? Date.now;
  const tokenOk = (token: string) => tokens.has(token) || (activeTokens.get(token) ?? 0) > now();

  const branchExists = (repo: string, branch: string) =>
    options.gitServer
      .git(repo, ['rev-parse', '--verify', '-q', `refs/heads/${branch}`])
      .then(() => true)
      .catch(() => false);

  let base = '';
  const pullJson = (pull: FakePull) => ({
    id: 1000 + pull.number,
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    html_url: `${base}/${pull.repo}/pull/${pull.number}`,
    url: `${base}${API_PREFIX}/repos/${pull.repo}/pulls/${pull.number}`,
    head: { ref: pull.head, label: `${pull.repo.split('/')[0]}:${pull.head}` },
    base: { ref: pull.base, label: `${pull.repo.split('/')[0]}:${pull.base}` },
    labels: pull.labels.map((name, i) => ({ id: i + 1, name, color: 'ededed', default: false })),
    requested_reviewers: pull.reviewers.map((login) => ({ login })),
    requested_teams: pull.teams.map((slug) => ({ slug })),
    draft: false,
    merged: false,
    merged_at: null,
  });

  const api = async ({ req, url, body, reply }: ForgeExchange) => {
    if (!url.pathname.startsWith(API_PREFIX)) return reply(404, error(404, 'Not Found'));
    const path = url.pathname.slice(API_PREFIX.length);
    if (!req.headers['user-agent'])
      return reply(
        403,
        error(
          403,
          'Request forbidden by administrative rules. Please make sure your request has a User-Agent header',
        ),
      );
    if (req.headers.accept !== 'application/vnd.github+json')
      return reply(415, error(415, `Unsupported 'Accept' header: ${req.headers.accept ?? '(none)'}`));
    if (req.headers['x-github-api-version'] !== '2022-11-28')
      return reply(
        400,
        error(400, `Invalid API version provided: ${req.headers['x-github-api-version'] ?? '(none)'}`),
      );
    if (req.method !== 'GET' && req.headers['content-type'] !== 'application/json' && body !== undefined)
      return reply(415, error(415, 'Unsupported Media Type'));
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';

    const installationRoute = /^\/users\/([^/]+)\/installation$/.exec(path);
    if (installationRoute && req.method === 'GET') {
      const app = options.app;
      if (!app || !verifyJwt(bearer, app.publicKeyPem, app.id, Math.floor(now() / 1000)))
        return reply(401, error(401, 'A JSON web token could not be decoded'));
      const login = decodeURIComponent(installationRoute[1] ?? '');
      if (!app.installedOn?.includes(login)) return reply(404, error(404, 'Not Found'));
      return reply(200, {
        id: Number(app.installationId),
        account: { login, type: 'Organization' },
        app_id: Number(app.id),
        target_type: 'Organization',
        repository_selection: 'all',
      });
    }
    const tokenRoute = /^\/app\/installations\/([^/]+)\/access_tokens$/.exec(path);
    if (tokenRoute && req.method === 'POST') {
      const app = options.app;
      if (!app || !verifyJwt(bearer, app.publicKeyPem, app.id, Math.floor(now() / 1000)))
        return reply(401, error(401, 'A JSON web token could not be decoded'));
      if (tokenRoute[1] !== app.installationId) return reply(404, error(404, 'Not Found'));
      const token = `ghs_${mintedTokens.length + 1}_${randomBytes(12).toString('hex')}`;
      const expires = now() + (options.tokenTtlMs ?? 3_600_000);
      mintedTokens.push(token);
      activeTokens.set(token, expires);
      return reply(201, {
        token,
        expires_at: new Date(expires).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        permissions: { contents: 'write', pull_requests: 'write' },
        repository_selection: 'all',
      });
    }
    if (!tokenOk(bearer)) return reply(401, error(401, 'Bad credentials'));

    const route =
      /^\/repos\/([^/]+)\/([^/]+)\/(pulls|issues)(?:\/(\d+))?(?:\/(labels|requested_reviewers))?$/.exec(path);
    if (!route) return reply(404, error(404, 'Not Found'));
    const [, owner, name, collection, number, sub] = route;
    const repo = `${owner}/${name}`;
    const exists = await options.gitServer
      .git(repo, ['rev-parse', '--git-dir'])
      .then(() => true)
      .catch(() => false);
    if (!exists) return reply(404, error(404, 'Not Found'));
    const pull = number ? pulls.find((p) => p.repo === repo && p.number === Number(number)) : undefined;
    if (number && !pull) return reply(404, error(404, 'Not Found'));
    const fields = body as Record<string, unknown>;
    const invalid = (message: string, field?: string) =>
      reply(
        422,
        error(422, 'Validation Failed', {
          errors: [{ resource: 'PullRequest', field, code: 'invalid', message }],
        }),
      );

    if (collection === 'pulls' && !number && req.method === 'GET') {
      const state = url.searchParams.get('state') ?? 'open';
      const head = url.searchParams.get('head');
      const baseRef = url.searchParams.get('base');
      return reply(
        200,
        pulls
          .filter((p) => p.repo === repo && (state === 'all' || p.state === state))
          .filter((p) => !head || head === `${owner}:${p.head}`)
          .filter((p) => !baseRef || p.base === baseRef)
          .map(pullJson),
      );
    }
    if (collection === 'pulls' && !number && req.method === 'POST') {
      const extra = unknownKeys(body, [
        'title',
        'head',
        'base',
        'body',
        'maintainer_can_modify',
        'draft',
        'issue',
        'head_repo',
      ]);
      if (extra.length > 0) return invalid(`unknown keys ${extra.join(', ')}`);
      if (typeof fields?.title !== 'string' || fields.title === '')
        return invalid('title is missing', 'title');
      if (typeof fields.head !== 'string' || !(await branchExists(repo, fields.head)))
        return invalid('head is invalid', 'head');
      if (typeof fields.base !== 'string' || !(await branchExists(repo, fields.base)))
        return invalid('base is invalid', 'base');
      if (
        pulls.some(
          (p) => p.repo === repo && p.state === 'open' && p.head === fields.head && p.base === fields.base,
        )
      )
        return invalid(`A pull request already exists for ${owner}:${fields.head}.`);
      const created: FakePull = {
        number: pulls.length + 1,
        title: fields.title,
        body: typeof fields.body === 'string' ? fields.body : '',
        head: fields.head,
        base: fields.base,
        state: 'open',
        labels: [],
        reviewers: [],
        teams: [],
        repo,
      };
      pulls.push(created);
      return reply(201, pullJson(created));
    }
    if (collection === 'pulls' && pull && !sub && req.method === 'PATCH') {
      const extra = unknownKeys(body, ['title', 'body', 'state', 'base', 'maintainer_can_modify']);
      if (extra.length > 0) return invalid(`unknown keys ${extra.join(', ')}`);
      if (typeof fields?.title === 'string') pull.title = fields.title;
      if (typeof fields?.body === 'string') pull.body = fields.body;
      return reply(200, pullJson(pull));
    }
    if (collection === 'issues' && pull && sub === 'labels' && req.method === 'POST') {
      const labels = fields?.labels;
      if (
        unknownKeys(body, ['labels']).length > 0 ||
        !Array.isArray(labels) ||
        labels.some((l) => typeof l !== 'string')
      )
        return reply(
          422,
          error(422, "Invalid request.\n\nFor 'properties/labels', is not an array of strings."),
        );
      pull.labels = [...new Set([...pull.labels, ...(labels as string[])])];
      return reply(200, pullJson(pull).labels);
    }
    if (collection === 'pulls' && pull && sub === 'requested_reviewers' && req.method === 'POST') {
      const reviewers = (fields?.reviewers ?? []) as string[];
      const teams = (fields?.team_reviewers ?? []) as string[];
      const allowed = new Set(options.collaborators ?? []);
      if (
        unknownKeys(body, ['reviewers', 'team_reviewers']).length > 0 ||
        ![...reviewers, ...teams].every((r) => allowed.has(r))
      )
        return reply(
          422,
          error(
            422,
            `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo} repository.`,
          ),
        );
      pull.reviewers = [...new Set([...pull.reviewers, ...reviewers])];
      pull.teams = [...new Set([...pull.teams, ...teams])];
      return reply(201, pullJson(pull));
    }
    return reply(404, error(404, 'Not Found'));
  };

  const server = await startFakeForgeServer({
    gitServer: options.gitServer,
    gitAuth: (authorization) => {
      const [user, password] = basicCredentials(authorization) ?? [];
      if (password === undefined) return false;
      if (user === 'x-access-token') return tokenOk(password) && !tokens.has(password);
      return tokens.has(password);
    },
    api,
  });
  base = server.url;
  return {
    ...server,
    apiUrl: `${server.url}${API_PREFIX}`,
    gitUrl: (repo) => `${server.url}/${repo}.git`,
    pulls,
    mintedTokens,
    revokeInstallationTokens: () => activeTokens.clear(),
  };
};
