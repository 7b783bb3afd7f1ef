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
 * SSH credentials as Flux reads them (`identity`, optional `password`, `known_hosts`). known_hosts
 * is required: there is no trust-on-first-use, and no default list of hosts.
 */
const sshCredentials = (data: Readonly<Record<string, string>>, where: string): GitCredentials => {
  const missing = ['identity', 'known_hosts'].filter((key) => !data[key]?.trim());
  if (missing.length > 0)
    throw new InvalidConfigError(
      `${where} has no ${missing.map((key) => JSON.stringify(key)).join(' and ')}: an ssh:// URL needs the private key in "identity" and the host's keys in "known_hosts" (host keys are always verified)`,
    );
  return {
    kind: 'ssh',
    identity: data.identity as string,
    knownHosts: data.known_hosts as string,
    ...(data.password !== undefined && { password: data.password }),
  };
};

/**
 * Git credentials from a GitRepository `secretRef`, with Flux's keys for HTTPS: `username` +
 * `password` (Basic), or `bearerToken`; for `ssh://` URLs `identity`, `password`, `known_hosts`. No
 * secretRef = anonymous (HTTPS only).
 */
export const gitCredentials = async (
  secrets: SecretSource,
  repository: GitRepository,
): Promise<GitCredentials> => {
  const ref = repository.spec.secretRef;
  const { namespace, name } = repository.metadata;
  const ssh = /^ssh:\/\//i.test(repository.spec.url);
  if (!ref && ssh)
    throw new InvalidConfigError(
      `GitRepository ${namespace}/${name}: an ssh:// URL needs spec.secretRef to a Secret with "identity" and "known_hosts"`,
      { data: { namespace, name } },
    );
  if (!ref) return { kind: 'anonymous' };
  const data = await secretOf(secrets, namespace, ref.name, `GitRepository ${namespace}/${name}`);
  if (ssh)
    return sshCredentials(data, `Secret ${namespace}/${ref.name} of GitRepository ${namespace}/${name}`);
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
