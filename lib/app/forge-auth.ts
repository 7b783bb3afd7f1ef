import { InvalidConfigError, NotFoundError } from '../domain/errors.ts';
import type { ForgeKind, ReviewSettings } from '../domain/flux/review-annotations.ts';
import type { GitRepository, ImageUpdateAutomation } from '../domain/flux/types.ts';
import type { ForgeAuth } from '../ports/forge.ts';
import type { GitHubAppTokenSource } from '../ports/github-app.ts';
import type { SecretSource } from '../ports/secret-source.ts';
import { githubAppFromSecret } from './github-app-secret.ts';

/**
 * The forge API credential, from the `forge-secret` annotation's Secret (automation namespace) or
 * else the GitRepository's: GitHub App keys (installation token, renewable), `bearerToken`
 * (Authorization: Bearer), or `password` (a personal access token: Bearer on GitHub,
 * `PRIVATE-TOKEN` on GitLab).
 */
export const resolveForgeAuth = async (
  deps: { readonly secrets: SecretSource; readonly githubApp?: GitHubAppTokenSource },
  automation: ImageUpdateAutomation,
  repository: GitRepository,
  settings: ReviewSettings,
  kind: ForgeKind,
): Promise<ForgeAuth> => {
  const [namespace, name] = settings.forgeSecret
    ? [automation.metadata.namespace, settings.forgeSecret]
    : [repository.metadata.namespace, repository.spec.secretRef?.name];
  if (!name) {
    throw new InvalidConfigError(
      `ImageUpdateAutomation ${automation.metadata.namespace}/${automation.metadata.name}: pull requests need API credentials; set the image-automation.io/forge-secret annotation or spec.secretRef of GitRepository ${repository.metadata.namespace}/${repository.metadata.name}`,
    );
  }
  const secret = `${namespace}/${name}`;
  const data = await deps.secrets.getSecret(namespace, name);
  if (!data)
    throw new NotFoundError(`Secret ${secret} (forge API credentials) not found`, {
      data: { namespace, name },
    });
  const app = githubAppFromSecret(data, secret, repository.spec.url);
  if (app) {
    const tokens = deps.githubApp;
    if (kind !== 'github')
      throw new InvalidConfigError(`Secret ${secret}: GitHub App keys cannot authenticate to ${kind}`);
    if (!tokens) throw new InvalidConfigError('GitHub App authentication is not available in this runtime');
    return {
      renewable: true,
      credential: async (options = {}) => ({
        scheme: 'bearer',
        token: await tokens.installationToken(app, options),
      }),
    };
  }
  const token = data.bearerToken ?? data.password;
  if (!token)
    throw new InvalidConfigError(
      `Secret ${secret} has neither GitHub App keys, "bearerToken" nor "password" for the ${kind} API`,
    );
  const scheme = data.bearerToken === undefined && kind === 'gitlab' ? 'private-token' : 'bearer';
  return { renewable: false, credential: async () => ({ scheme, token }) };
};
