import { AuthError, InvalidConfigError } from '../domain/errors.ts';
import type { GitRepository } from '../domain/flux/types.ts';
import type { CodeCommitAuth } from '../ports/codecommit-auth.ts';
import type { GitCredentials } from '../ports/git.ts';
import type { GitHubAppTokenSource } from '../ports/github-app.ts';
import type { SecretSource } from '../ports/secret-source.ts';
import { gitCredentials } from './credentials.ts';
import { githubAppFromSecret, hasGitHubAppKeys } from './github-app-secret.ts';

/**
 * Git credentials that may be renewed: static ones (Basic, bearer, anonymous) from the
 * GitRepository's Secret, or a GitHub App's installation token (`provider: github`), sent as Basic
 * `x-access-token:<token>` as GitHub documents for app installations.
 */
export interface GitAuth {
  credentials(options?: { readonly renew?: boolean }): Promise<GitCredentials>;
  /** A GitHub App token can be re-minted after a 401; a static secret cannot. */
  readonly renewable: boolean;
}

export interface GitAuthDeps {
  readonly secrets: SecretSource;
  readonly githubApp?: GitHubAppTokenSource;
  /** `provider: aws` (CodeCommit with IAM). */
  readonly codeCommit?: CodeCommitAuth;
}

export const resolveGitAuth = async (deps: GitAuthDeps, repository: GitRepository): Promise<GitAuth> => {
  const { namespace, name } = repository.metadata;
  if (repository.spec.provider === 'aws') {
    // Flux: `provider: aws` uses the controller's AWS identity, never the Secret.
    const codeCommit = deps.codeCommit;
    if (!codeCommit)
      throw new InvalidConfigError(
        `GitRepository ${namespace}/${name}: provider aws (CodeCommit) is not available in this runtime`,
      );
    return {
      renewable: true,
      credentials: async () => ({ kind: 'basic', ...(await codeCommit.gitCredentials(repository.spec.url)) }),
    };
  }
  const ref = repository.spec.secretRef;
  const data = ref ? await deps.secrets.getSecret(namespace, ref.name) : undefined;
  const isApp = data !== undefined && hasGitHubAppKeys(data);
  const where = `GitRepository ${namespace}/${name}`;
  // Flux: a GitHub-App-shaped Secret without `provider: github` is InvalidSourceConfiguration, and
  // `provider: github` authenticates with the app only.
  if (isApp && repository.spec.provider !== 'github')
    throw new InvalidConfigError(
      `${where}: Secret ${namespace}/${ref?.name} holds GitHub App keys; set spec.provider: github`,
    );
  if (!isApp && repository.spec.provider === 'github') {
    throw new InvalidConfigError(
      `${where}: spec.provider github needs spec.secretRef to a Secret with githubAppID and githubAppPrivateKey (githubAppInstallationID is looked up when absent)`,
    );
  }
  if (!isApp || !data || !ref) {
    const credentials = await gitCredentials(deps.secrets, repository);
    return { renewable: false, credentials: async () => credentials };
  }
  const app = githubAppFromSecret(data, `${namespace}/${ref.name}`, repository.spec.url);
  const tokens = deps.githubApp;
  if (!app || !tokens)
    throw new InvalidConfigError(`${where}: GitHub App authentication is not available in this runtime`);
  return {
    renewable: true,
    credentials: async (options = {}) => ({
      kind: 'basic',
      username: 'x-access-token',
      password: await tokens.installationToken(app, options),
    }),
  };
};

/** Runs `operation`; when the host refuses renewable credentials (401), renews them and runs it once more. */
export const withGitAuth = async <T>(
  auth: GitAuth,
  operation: (credentials: GitCredentials) => Promise<T>,
): Promise<T> => {
  try {
    return await operation(await auth.credentials());
  } catch (error) {
    if (!(error instanceof AuthError) || !auth.renewable) throw error;
    return operation(await auth.credentials({ renew: true }));
  }
};
