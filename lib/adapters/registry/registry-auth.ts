import { createHash } from 'node:crypto';
import { AuthError } from '../../domain/errors.ts';
import type { RegistryCredentials, RegistryRepository } from '../../ports/registry.ts';
import { type AuthChallenge, parseAuthChallenges, pickChallenge } from './auth-challenge.ts';
import { requestBearerToken } from './bearer-token.ts';
import type { RegistryResponse, RequestKind, SendFn } from './http-sender.ts';
import { registryOrigin } from './registry-endpoint.ts';
import { describeFailure, errorForResponse, type RequestTarget } from './registry-errors.ts';
import { createTokenCache } from './token-cache.ts';

export interface AuthorizedRequest {
  readonly repo: RegistryRepository;
  readonly method: 'GET' | 'HEAD';
  readonly url: string;
  readonly kind: RequestKind;
  readonly target: RequestTarget;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** What a registry asked for last time, so later calls skip the anonymous 401 round trip. */
type KnownScheme =
  | { readonly kind: 'basic' }
  | { readonly kind: 'bearer'; readonly realm: string; readonly service?: string };

interface Authorization {
  readonly header: string | undefined;
  /** True when a token came from the cache: a 401 then means "stale", worth one fresh token. */
  readonly fromCache: boolean;
}

const NONE: Authorization = { header: undefined, fromCache: false };

/** Cache keys must separate credentials without holding them. */
const credentialsFingerprint = (credentials: RegistryCredentials): string => {
  const material =
    credentials.kind === 'basic'
      ? `basic\0${credentials.username}\0${credentials.password}`
      : credentials.kind === 'identity-token'
        ? `identity\0${credentials.token}`
        : 'anonymous';
  return createHash('sha256').update(material).digest('hex').slice(0, 32);
};

const untilAborted = <T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
};

const basicHeader = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

/**
 * Challenge-driven registry auth (distribution token spec,
 * https://distribution.github.io/distribution/spec/auth/token/): try anonymously, read the 401's
 * `WWW-Authenticate`, then answer with a Bearer token (scope `repository:<repo>:pull`) or Basic.
 */
export const createRegistryAuth = (deps: { readonly send: SendFn; readonly clock: () => number }) => {
  const schemes = new Map<string, KnownScheme>();
  const tokens = createTokenCache(deps.clock);

  const tokenKey = (request: AuthorizedRequest, scheme: { realm: string; service?: string }) =>
    [
      registryOrigin(request.repo),
      scheme.realm,
      scheme.service ?? '',
      `repository:${request.repo.repository}:pull`,
      credentialsFingerprint(request.repo.credentials),
    ].join('|');

  async function authorizationFor(
    request: AuthorizedRequest,
    scheme: KnownScheme | undefined,
  ): Promise<Authorization> {
    const { credentials } = request.repo;
    // Credentials go to the registry's own origin only, never to a host a Link header points at.
    if (!scheme || new URL(request.url).origin !== registryOrigin(request.repo)) return NONE;
    if (scheme.kind === 'basic') {
      return credentials.kind === 'basic'
        ? { header: basicHeader(credentials.username, credentials.password), fromCache: false }
        : NONE;
    }
    // Concurrent callers share one token request, so it runs without any one caller's signal (its own
    // per-attempt timeouts bound it); each caller still stops waiting the moment its own signal fires.
    const shared = tokens.get(tokenKey(request, scheme), () =>
      requestBearerToken(deps.send, deps.clock, {
        realm: scheme.realm,
        service: scheme.service,
        scope: `repository:${request.repo.repository}:pull`,
        credentials,
        target: request.target,
        plainHttpAllowed: registryOrigin(request.repo).startsWith('http:'),
      }),
    );
    const { token, fromCache } = await untilAborted(shared, request.signal);
    return { header: `Bearer ${token}`, fromCache };
  }

  async function challengeOf(
    request: AuthorizedRequest,
    response: RegistryResponse,
  ): Promise<AuthChallenge | undefined> {
    const direct = pickChallenge(parseAuthChallenges(response.headers.get('www-authenticate')));
    if (direct) return direct;
    // Some registries omit the challenge on HEAD or resource 401s; the base endpoint always carries it.
    const ping = await deps.send({
      method: 'GET',
      url: `${registryOrigin(request.repo)}/v2/`,
      kind: 'ping',
      target: request.target,
      signal: request.signal,
    });
    return pickChallenge(parseAuthChallenges(ping.headers.get('www-authenticate')));
  }

  function learn(request: AuthorizedRequest, challenge: AuthChallenge | undefined): KnownScheme {
    const { target } = request;
    const data = { registry: target.registry, repository: target.repository, status: 401 };
    if (!challenge) {
      throw new AuthError(
        `${target.subject}: the registry requires authentication but sent no usable WWW-Authenticate challenge ${describeFailure(target, 401)}`,
        { data },
      );
    }
    const credentials = request.repo.credentials.kind;
    if (challenge.scheme === 'basic' && credentials !== 'basic') {
      const why =
        credentials === 'anonymous'
          ? 'no credentials are configured'
          : 'an identity token needs a Bearer token service';
      throw new AuthError(
        `${target.subject}: the registry requires Basic authentication and ${why} ${describeFailure(target, 401)}`,
        { data },
      );
    }
    const scheme: KnownScheme =
      challenge.scheme === 'basic'
        ? { kind: 'basic' }
        : { kind: 'bearer', realm: challenge.params.realm ?? '', service: challenge.params.service };
    schemes.set(registryOrigin(request.repo), scheme);
    return scheme;
  }

  /** Sends `request`, authenticating as the registry demands; a 401 that survives fresh credentials is AuthError. */
  return async function sendAuthorized(request: AuthorizedRequest): Promise<RegistryResponse> {
    let scheme = schemes.get(registryOrigin(request.repo));
    for (let round = 0; ; round++) {
      const authorization = await authorizationFor(request, scheme);
      const response = await deps.send({
        method: request.method,
        url: request.url,
        kind: request.kind,
        target: request.target,
        headers: {
          ...request.headers,
          ...(authorization.header ? { authorization: authorization.header } : {}),
        },
        signal: request.signal,
      });
      if (response.status !== 401) return response;
      // Anonymous or a cached token: learn the scheme (again) and try once with fresh credentials.
      const retryable = round === 0 && (authorization.header === undefined || authorization.fromCache);
      if (!retryable) throw refused(request, response);
      scheme = learn(request, await challengeOf(request, response));
      if (scheme.kind === 'bearer') tokens.delete(tokenKey(request, scheme));
    }
  };
};

const refused = (request: AuthorizedRequest, response: RegistryResponse) => {
  const error = errorForResponse(request.target, response);
  if (request.repo.credentials.kind !== 'anonymous') return error;
  return new AuthError(
    `${request.target.subject}: anonymous access was denied; configure credentials ${describeFailure(request.target, 401)}`,
    {
      data: error.data,
    },
  );
};
