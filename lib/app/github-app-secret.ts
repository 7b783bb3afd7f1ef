import { InvalidConfigError } from '../domain/errors.ts';
import type { GitHubAppCredentials } from '../ports/github-app.ts';

/**
 * The GitHub App keys of a Secret, as Flux's GitHub provider reads them (`githubAppID`,
 * `githubAppInstallationID` (optional since Flux 2.9), `githubAppPrivateKey`, optional
 * `githubAppBaseURL`). Undefined when the Secret holds none; InvalidConfigError naming the missing keys when it holds some.
 */

const KEYS = ['githubAppID', 'githubAppInstallationID', 'githubAppPrivateKey'] as const;
// Flux 2.9: without an installation id, the app's installation on the repository owner is looked up.
const REQUIRED = ['githubAppID', 'githubAppPrivateKey'] as const;

/** `owner` of `https://host/owner/repo(.git)` or `ssh://git@host/owner/repo`. */
const ownerOf = (gitUrl: string | undefined): string | undefined => {
  try {
    const [owner] = new URL(gitUrl ?? '').pathname.split('/').filter(Boolean);
    return owner && /^[A-Za-z0-9-]+$/.test(owner) ? owner : undefined;
  } catch {
    return undefined;
  }
};

export const hasGitHubAppKeys = (data: Readonly<Record<string, string>>): boolean =>
  KEYS.some((key) => data[key] !== undefined);

export const githubAppFromSecret = (
  data: Readonly<Record<string, string>>,
  secret: string,
  /** The GitRepository URL: its owner is where the installation is looked up when the Secret names none. */
  gitUrl?: string,
): GitHubAppCredentials | undefined => {
  if (!hasGitHubAppKeys(data)) return undefined;
  const missing = REQUIRED.filter((key) => !data[key]);
  if (missing.length > 0)
    throw new InvalidConfigError(
      `Secret ${secret}: GitHub App keys incomplete, missing ${missing.join(', ')}`,
    );
  const [appId, installationId] = [data.githubAppID ?? '', data.githubAppInstallationID ?? ''];
  const lookup = installationId.trim() === '';
  const owner = lookup ? ownerOf(gitUrl) : undefined;
  if (lookup && !owner)
    throw new InvalidConfigError(
      `Secret ${secret}: no githubAppInstallationID, and no repository owner to look the installation up for in ${JSON.stringify(gitUrl ?? '')}`,
    );
  for (const [key, value] of [
    ['githubAppID', appId],
    ...(lookup ? [] : ([['githubAppInstallationID', installationId]] as const)),
  ] as const) {
    // App ids are numbers; newer apps may use the client id (`Iv1.…`) as JWT issuer.
    if (!/^[A-Za-z0-9.]+$/.test(value.trim()))
      throw new InvalidConfigError(`Secret ${secret}: ${key} is not a valid id`);
  }
  const baseUrl = data.githubAppBaseURL?.trim().replace(/\/+$/, '');
  return {
    appId: appId.trim(),
    ...(lookup ? { owner } : { installationId: installationId.trim() }),
    privateKey: data.githubAppPrivateKey ?? '',
    ...(baseUrl && { baseUrl }),
  };
};
