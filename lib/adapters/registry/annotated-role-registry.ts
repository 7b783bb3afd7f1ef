import { InvalidConfigError } from '../../domain/errors.ts';
import type { FluxConfig } from '../../domain/flux/types.ts';
import type { RegistryCallOptions, RegistryClient, RegistryRepository } from '../../ports/registry.ts';

/**
 * Per-tenant ECR identities on Lambda: an ImageRepository with `provider: aws` may name the IAM role
 * to read ECR with in an annotation,
 *
 *   metadata:
 *     annotations:
 *       image-automation.io/aws-role-arn: arn:aws:iam::210987654321:role/tenant-a-ecr-read
 *
 * the Lambda counterpart of Flux's object-level workload identity (`spec.serviceAccountName` bound to
 * an IAM role), which has no meaning outside Kubernetes. This decorator puts the role on the calls for
 * that repository; the ECR client assumes it with STS (cached until expiry). The function's execution
 * role may assume only the roles listed at deploy time (`ecrRoleArns`).
 */
export const AWS_ROLE_ANNOTATION = 'image-automation.io/aws-role-arn';

const imageKey = (registry: string, repository: string) => `${registry.toLowerCase()}/${repository}`;

/** `registry/repository` → the one role its `provider: aws` ImageRepositories name (or a conflict). */
const rolesByImage = (config: FluxConfig): Map<string, ReadonlySet<string>> => {
  const roles = new Map<string, Set<string>>();
  for (const repository of config.imageRepositories) {
    const role = repository.metadata.annotations[AWS_ROLE_ANNOTATION]?.trim();
    if (repository.spec.provider !== 'aws' || !role) continue;
    const { registry, repository: path } = repository.spec.imageName;
    const key = imageKey(registry, path);
    roles.set(key, new Set([...(roles.get(key) ?? []), role]));
  }
  return roles;
};

export const createAnnotatedRoleRegistry = (config: FluxConfig, inner: RegistryClient): RegistryClient => {
  const roles = rolesByImage(config);

  function withRole(repo: RegistryRepository): RegistryRepository {
    if (repo.provider !== 'aws' || repo.roleArn) return repo;
    const named = roles.get(imageKey(repo.registry, repo.repository));
    if (!named) return repo;
    if (named.size > 1) {
      // The port identifies a repository by image, so two tenants' roles for one image cannot both win.
      throw new InvalidConfigError(
        `ImageRepositories for ${repo.registry}/${repo.repository} name different roles in ${AWS_ROLE_ANNOTATION}: ${[...named].join(', ')}`,
        { data: { registry: repo.registry, repository: repo.repository } },
      );
    }
    return { ...repo, roleArn: [...named][0] };
  }

  return {
    listTags: async (repo: RegistryRepository, options?: RegistryCallOptions) =>
      inner.listTags(withRole(repo), options),
    resolveDigest: async (repo: RegistryRepository, tag: string, options?: RegistryCallOptions) =>
      inner.resolveDigest(withRole(repo), tag, options),
  };
};
