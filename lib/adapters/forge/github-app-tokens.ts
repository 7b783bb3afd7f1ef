import { AuthError, NotFoundError, UpstreamError } from '../../domain/errors.ts';
import type { Clock } from '../../ports/clock.ts';
import { systemClock } from '../../ports/clock.ts';
import type { GitHubAppCredentials, GitHubAppTokenSource } from '../../ports/github-app.ts';
import { type ForgeHttpSettings, forgeHttpDefaults, sendForgeRequest } from './forge-http.ts';
import { githubAppJwt, readAppPrivateKey } from './github-app-jwt.ts';
import { GITHUB_API_VERSION, GITHUB_MEDIA_TYPE } from './github-headers.ts';

/**
 * Installation access tokens (`POST /app/installations/{installation_id}/access_tokens`), cached
 * per app and installation until `expires_at` minus a margin (tokens live one hour), so a burst of
 * runs mints one. Concurrent callers share one request. `renew` bypasses the cache after a 401.
 */

export interface GitHubAppTokenOptions {
  readonly clock?: Clock;
  readonly http?: Partial<ForgeHttpSettings>;
  /** Tokens are replaced this long before they expire. */
  readonly marginMs?: number;
}

export const githubAppTokenDefaults = Object.freeze({
  baseUrl: 'https://api.github.com',
  marginMs: 5 * 60_000,
});

interface CachedToken {
  readonly token: string;
  readonly renewAt: number;
}

export const createGitHubAppTokenSource = (options: GitHubAppTokenOptions = {}): GitHubAppTokenSource => {
  const clock = options.clock ?? systemClock;
  const http = { ...forgeHttpDefaults, ...options.http };
  const marginMs = options.marginMs ?? githubAppTokenDefaults.marginMs;
  const cache = new Map<string, CachedToken>();
  const inFlight = new Map<string, Promise<CachedToken>>();

  const appHeaders = (jwt: string) => ({
    Accept: GITHUB_MEDIA_TYPE,
    'X-GitHub-Api-Version': GITHUB_API_VERSION,
    Authorization: `Bearer ${jwt}`,
  });

  /** `GET /users/{owner}/installation` (an organisation is a user here): the app's installation on the owner. */
  const installationOf = async (app: GitHubAppCredentials, baseUrl: string, jwt: string): Promise<string> => {
    const owner = app.owner ?? '';
    const where = `GitHub App ${app.appId} on ${owner}`;
    const { json } = await sendForgeRequest(http, {
      method: 'GET',
      url: `${baseUrl}/users/${encodeURIComponent(owner)}/installation`,
      headers: appHeaders(jwt),
    }).catch((error: unknown) => {
      if (error instanceof AuthError)
        throw new AuthError(
          `${where}: the app JWT was refused (${error.message}); check githubAppID and githubAppPrivateKey`,
          {
            data: error.data,
          },
        );
      if (error instanceof NotFoundError)
        throw new NotFoundError(
          `${where}: the app is not installed on ${owner}; install it, or set githubAppInstallationID`,
          {
            data: error.data,
          },
        );
      throw error;
    });
    const id = (json as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'number' && typeof id !== 'string')
      throw new UpstreamError(`${where}: the installation answer has no id`);
    return String(id);
  };

  const mint = async (app: GitHubAppCredentials): Promise<CachedToken> => {
    const baseUrl = (app.baseUrl ?? githubAppTokenDefaults.baseUrl).replace(/\/+$/, '');
    const key = readAppPrivateKey(app.privateKey, app.appId);
    const now = clock.now().getTime();
    const jwt = githubAppJwt(key, app.appId, Math.floor(now / 1000));
    // Looked up on every mint (once an hour) and so cached with the token: an app moved to another
    // installation is found again at the next token.
    const installationId = app.installationId ?? (await installationOf(app, baseUrl, jwt));
    const request = {
      method: 'POST' as const,
      url: `${baseUrl}/app/installations/${encodeURIComponent(installationId)}/access_tokens`,
      headers: appHeaders(jwt),
    };
    const where = `GitHub App ${app.appId} installation ${installationId}`;
    const { json } = await sendForgeRequest(http, request).catch((error: unknown) => {
      if (error instanceof AuthError)
        throw new AuthError(
          `${where}: the app JWT was refused (${error.message}); check githubAppID and githubAppPrivateKey`,
          { data: error.data },
        );
      if (error instanceof NotFoundError)
        throw new NotFoundError(`${where}: no such installation of this app (${error.message})`, {
          data: error.data,
        });
      throw error;
    });
    const { token, expires_at: expiresAt } = (json ?? {}) as { token?: unknown; expires_at?: unknown };
    const expires = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
    if (typeof token !== 'string' || token === '' || Number.isNaN(expires))
      throw new UpstreamError(`${where}: the access token answer has no token or expires_at`);
    return { token, renewAt: expires - marginMs };
  };

  return {
    async installationToken(app, { renew = false } = {}) {
      const key = `${app.baseUrl ?? ''}\u0000${app.appId}\u0000${app.installationId ?? `owner:${app.owner}`}`;
      const cached = cache.get(key);
      if (!renew && cached && clock.now().getTime() < cached.renewAt) return cached.token;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = mint(app).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      const fresh = await pending;
      cache.set(key, fresh);
      return fresh.token;
    },
  };
};
