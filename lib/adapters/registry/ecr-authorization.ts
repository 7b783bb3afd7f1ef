import { type ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { UpstreamError } from '../../domain/errors.ts';
import { translateAwsError } from '../aws/aws-error.ts';
import { createExpiringCache } from '../aws/expiring-cache.ts';

/**
 * Registry credentials for ECR's data plane (`/v2/…`): `GetAuthorizationToken` returns
 * `base64("AWS:<password>")`, valid 12 hours, which the registry accepts as HTTP Basic
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html).
 * Tokens are cached per registry host and identity until `expiresAt` minus a margin; the API is
 * rate-limited (20 TPS sustained on some accounts), so a container asks about twice a day.
 */
export const ecrAuthorizationDefaults = Object.freeze({
  refreshMarginMs: 15 * 60_000,
  /** Used when the answer carries no `expiresAt` (it always does on AWS). */
  fallbackLifetimeMs: 60 * 60_000,
});

export interface EcrBasicCredentials {
  readonly username: string;
  readonly password: string;
}

export interface EcrAuthorization {
  /** Credentials for `key` (registry host + identity; no secrets), fetched with `client` when needed. */
  get(
    key: string,
    client: ECRClient,
    context: { readonly registry: string },
  ): Promise<{ credentials: EcrBasicCredentials; fromCache: boolean }>;
  /** Forgets a token the registry refused, so the next call fetches a fresh one. */
  invalidate(key: string): void;
}

/** Splits an ECR authorization token into Basic credentials (`AWS` and the password). */
export const decodeEcrAuthorizationToken = (token: string): EcrBasicCredentials | undefined => {
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
};

export const createEcrAuthorization = (
  options: { readonly clock?: () => number; readonly refreshMarginMs?: number } = {},
): EcrAuthorization => {
  const settings = { ...ecrAuthorizationDefaults, ...options };
  const clock = options.clock ?? Date.now;
  const cache = createExpiringCache<EcrBasicCredentials>({ clock });

  // Shared by concurrent callers, so no one caller's abort signal: the SDK's own timeouts bound it.
  async function fetchToken(client: ECRClient, registry: string) {
    const response = await client.send(new GetAuthorizationTokenCommand({})).catch((error: unknown) => {
      throw translateAwsError(error, {
        action: `ECR GetAuthorizationToken for ${registry}`,
        data: { registry },
      });
    });
    const data = response.authorizationData?.[0];
    const credentials = data?.authorizationToken
      ? decodeEcrAuthorizationToken(data.authorizationToken)
      : undefined;
    if (!credentials) {
      // Never echo the token: it is the password.
      throw new UpstreamError(`ECR GetAuthorizationToken for ${registry} returned no usable token`, {
        data: { registry },
      });
    }
    const expiresAt = data?.expiresAt?.getTime() ?? clock() + settings.fallbackLifetimeMs;
    return { value: credentials, expiresAt: expiresAt - settings.refreshMarginMs };
  }

  return {
    async get(key, client, context) {
      const { value, fromCache } = await cache.get(key, () => fetchToken(client, context.registry));
      return { credentials: value, fromCache };
    },
    invalidate: (key) => cache.delete(key),
  };
};
