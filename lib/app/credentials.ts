import { InvalidConfigError, NotFoundError } from '../domain/errors.ts';
import type { GitRepository, ImageRepository } from '../domain/flux/types.ts';
import { registryCredentialsFromSecret } from '../domain/registry-credentials.ts';
import type { GitCredentials } from '../ports/git.ts';
import type { RegistryCredentials } from '../ports/registry.ts';
import type { SecretSource } from '../ports/secret-source.ts';

const secretOf = async (secrets: SecretSource, namespace: string, name: string, usedBy: string) => {
  const data = await secrets.getSecret(namespace, name);
  if (!data)
    throw new NotFoundError(`Secret ${namespace}/${name} (secretRef of ${usedBy}) not found`, {
      data: { namespace, name },
    });
  return data;
};

/**
 * Git credentials from a GitRepository `secretRef`, with Flux's keys for HTTPS: `username` +
 * `password` (Basic), or `bearerToken`. No secretRef = anonymous.
 */
export const gitCredentials = async (
  secrets: SecretSource,
  repository: GitRepository,
): Promise<GitCredentials> => {
  const ref = repository.spec.secretRef;
  if (!ref) return { kind: 'anonymous' };
  const { namespace, name } = repository.metadata;
  const data = await secretOf(secrets, namespace, ref.name, `GitRepository ${namespace}/${name}`);
  if (data.bearerToken) return { kind: 'bearer', token: data.bearerToken };
  if (data.password !== undefined)
    return { kind: 'basic', username: data.username ?? 'git', password: data.password };
  throw new InvalidConfigError(
    `Secret ${namespace}/${ref.name} of GitRepository ${namespace}/${name} has neither "password" nor "bearerToken"`,
    { data: { namespace, name: ref.name } },
  );
};

/** Registry credentials from an ImageRepository `secretRef` (docker config JSON or username/password). */
export const registryCredentials = async (
  secrets: SecretSource,
  repository: ImageRepository,
): Promise<RegistryCredentials> => {
  const ref = repository.spec.secretRef;
  if (!ref) return { kind: 'anonymous' };
  const { namespace, name } = repository.metadata;
  const data = await secretOf(secrets, namespace, ref.name, `ImageRepository ${namespace}/${name}`);
  return registryCredentialsFromSecret(
    data,
    repository.spec.imageName.registry,
    repository.spec.imageName.repository,
  );
};
