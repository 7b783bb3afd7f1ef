import { AuthError, UpstreamError } from '../../domain/errors.ts';
import type { RegistryCredentials } from '../../ports/registry.ts';
import type { SendFn } from './http-sender.ts';
import { describeFailure, type RequestTarget, registryErrorDetails } from './registry-errors.ts';
import type { CachedToken } from './token-cache.ts';

export interface TokenRequest {
  readonly realm: string;
  readonly service: string | undefined;
  readonly scope: string;
  readonly credentials: RegistryCredentials;
  readonly target: RequestTarget;
  /** The registry itself is plain HTTP (`insecure` or loopback): only then may the realm be too. */
  readonly plainHttpAllowed: boolean;
  readonly signal?: AbortSignal;
}

// Token spec: "When omitted, this defaults to 60 seconds."
const DEFAULT_LIFETIME_S = 60;
// Renew a little early so a token does not expire between the cache check and the registry's check.
const MAX_MARGIN_MS = 10_000;

const basicHeader = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

/**
 * Asks the registry's token service for a pull token, per the distribution token spec:
 * GET `<realm>?service=…&scope=…` (Basic credentials when configured),
 * https://distribution.github.io/distribution/spec/auth/token/ — or, for an identity token from a docker
 * config, the OAuth2 refresh-token grant as a form POST,
 * https://distribution.github.io/distribution/spec/auth/oauth/
 *
 * The realm may be on another host than the registry: that is how the token protocol works (Docker Hub's
 * registry-1.docker.io names auth.docker.io), and docker, containerd and go-containerregistry all send the
 * registry's credentials there. So do we, with three limits: the realm must be `https:` (plain `http:`
 * only when the registry itself is plain HTTP, so credentials are never downgraded), a redirect from the
 * token service is never followed (the sender refuses every 3xx, so credentials reach no third origin),
 * and the answer is capped (1 MiB) and never quoted, committed or shown: only its token is used.
 */
export const requestBearerToken = async (
  send: SendFn,
  clock: () => number,
  request: TokenRequest,
): Promise<CachedToken> => {
  const { credentials, target } = request;
  let realm: URL;
  try {
    realm = new URL(request.realm);
  } catch (cause) {
    throw new UpstreamError(
      `${target.subject}: the registry announced an invalid token realm ${describeFailure(target)}`,
      {
        cause,
        data: { registry: target.registry, repository: target.repository },
      },
    );
  }
  const allowed = realm.protocol === 'https:' || (realm.protocol === 'http:' && request.plainHttpAllowed);
  if (!allowed) {
    throw new UpstreamError(
      `${target.subject}: the registry announced a token realm on ${realm.protocol}//${realm.host}; only https (or http for a plain-HTTP registry) is used ${describeFailure(target)}`,
      { data: { registry: target.registry, repository: target.repository, realmOrigin: realm.origin } },
    );
  }
  const params = new URLSearchParams();
  if (request.service) params.set('service', request.service);
  params.set('scope', request.scope);
  let response: Awaited<ReturnType<SendFn>>;
  if (credentials.kind === 'identity-token') {
    params.set('grant_type', 'refresh_token');
    params.set('refresh_token', credentials.token);
    params.set('client_id', 'image-automation');
    response = await send({
      method: 'POST',
      url: realm.toString(),
      kind: 'token',
      target,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
      signal: request.signal,
    });
  } else {
    for (const [name, value] of params) realm.searchParams.append(name, value);
    response = await send({
      method: 'GET',
      url: realm.toString(),
      kind: 'token',
      target,
      headers:
        credentials.kind === 'basic'
          ? { authorization: basicHeader(credentials.username, credentials.password) }
          : {},
      signal: request.signal,
    });
  }
  const data = {
    registry: target.registry,
    repository: target.repository,
    status: response.status,
    realm: realm.origin + realm.pathname,
  };
  if (response.status === 401 || response.status === 403) {
    const who = credentials.kind === 'anonymous' ? 'anonymous access' : 'the credentials';
    throw new AuthError(
      `${target.subject}: the token service ${realm.host} refused ${who} ${describeFailure(target, response.status, registryErrorDetails(response.body))}`,
      { data },
    );
  }
  if (response.status !== 200) {
    throw new UpstreamError(
      `${target.subject}: the token service ${realm.host} failed ${describeFailure(target, response.status, registryErrorDetails(response.body))}`,
      { data },
    );
  }
  return parseTokenResponse(response.body, clock(), target, data);
};

const parseTokenResponse = (
  body: string,
  now: number,
  target: RequestTarget,
  data: Readonly<Record<string, unknown>>,
): CachedToken => {
  let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown } | null = null;
  try {
    parsed = JSON.parse(body);
  } catch {
    // Reported below without quoting the body: it may hold a token.
  }
  // Docker's client canonicalises `access_token` over `token` when both are present.
  const token =
    typeof parsed?.access_token === 'string' && parsed.access_token !== ''
      ? parsed.access_token
      : typeof parsed?.token === 'string'
        ? parsed.token
        : '';
  if (token === '') {
    throw new UpstreamError(
      `${target.subject}: the token service answered without a token ${describeFailure(target)}`,
      {
        data,
      },
    );
  }
  const lifetimeS =
    typeof parsed?.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_LIFETIME_S;
  const lifetimeMs = lifetimeS * 1000;
  return { token, expiresAt: now + lifetimeMs - Math.min(MAX_MARGIN_MS, lifetimeMs / 6) };
};
