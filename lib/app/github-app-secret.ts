import { InvalidConfigError } from '../domain/errors.ts';
import type { GitHubAppCredentials } from '../ports/github-app.ts';

/**
 * The GitHub App keys of a Secret, as Flux's GitHub provider reads them (`githubAppID`,
 * `githubAppInstallationID`, `githubAppPrivateKey`, optional `githubAppBaseURL`). Undefined when the
 * Secret holds none; InvalidConfigError naming the missing keys when it holds some.
 */

const KEYS = ['githubAppID', 'githubAppInstallationID', 'githubAppPrivateKey'] as const;

export const hasGitHubAppKeys = (data: Readonly<Record<string, string>>): boolean =>
  KEYS.some((key) => data[key] !== undefined);

export const githubAppFromSecret = (
  data: Readonly<Record<string, string>>,
  secret: string,
): GitHubAppCredentials | undefined => {
  if (!hasGitHubAppKeys(data)) return undefined;
  const missing = KEYS.filter((key) => !data[key]);
  if (missing.length > 0)
    throw new InvalidConfigError(
      `Secret ${secret}: GitHub App keys incomplete, missing ${missing.join(', ')}`,
    );
  const [appId, installationId] = [data.githubAppID ?? '', data.githubAppInstallationID ?? ''];
  for (const [key, value] of [
    ['githubAppID', appId],
    ['githubAppInstallationID', installationId],
  ] as const) {
    // App ids are numbers; newer apps may use the client id (`Iv1.…`) as JWT issuer.
    if (!/^[A-Za-z0-9.]+$/.test(value.trim()))
      throw new InvalidConfigError(`Secret ${secret}: ${key} is not a valid id`);
  }
  const baseUrl = data.githubAppBaseURL?.trim().replace(/\/+$/, '');
  return {
    appId: appId.trim(),
    installationId: installationId.trim(),
    privateKey: data.githubAppPrivateKey ?? '',
    ...(baseUrl && { baseUrl }),
  };
};
