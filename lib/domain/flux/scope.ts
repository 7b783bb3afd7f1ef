import { matchesLabelSelector } from './label-selector.ts';
import type {
  FluxConfig,
  GitRepository,
  ImagePolicy,
  ImageRepository,
  ImageUpdateAutomation,
} from './types.ts';

/**
 * Which objects work together, following image-automation-controller `getPolicies`
 * (flux-semantics §4.4): an automation considers the ImagePolicies of its **own namespace** that
 * match its `policySelector` (absent = all). Flux additionally skips policies without
 * `status.latestRef`; that status lives in the state store here, so callers filter on it.
 * Suspension is not filtered either: whether a suspended object still counts is the caller's call.
 */

export { matchesLabelSelector } from './label-selector.ts';

export const policiesInScope = (config: FluxConfig, automation: ImageUpdateAutomation): ImagePolicy[] =>
  config.imagePolicies.filter(
    (policy) =>
      policy.metadata.namespace === automation.metadata.namespace &&
      matchesLabelSelector(automation.spec.policySelector, policy.metadata.labels),
  );

/** The ImageRepository a policy reads tags from (its `imageRepositoryRef`, namespace defaulted). */
export const repositoryOf = (config: FluxConfig, policy: ImagePolicy): ImageRepository | undefined => {
  const ref = policy.spec.imageRepositoryRef;
  return config.imageRepositories.find(
    (repository) => repository.metadata.namespace === ref.namespace && repository.metadata.name === ref.name,
  );
};

/** The GitRepository an automation writes to. */
export const gitRepositoryOf = (
  config: FluxConfig,
  automation: ImageUpdateAutomation,
): GitRepository | undefined => {
  const ref = automation.spec.sourceRef;
  return config.gitRepositories.find(
    (repository) => repository.metadata.namespace === ref.namespace && repository.metadata.name === ref.name,
  );
};

/** ImageRepositories watching one image, by canonical name (`index.docker.io/library/alpine`). */
export const repositoriesForImage = (config: FluxConfig, canonicalImageName: string): ImageRepository[] =>
  config.imageRepositories.filter((repository) => repository.spec.imageName.canonical === canonicalImageName);

/** Automations with at least one in-scope policy whose repository watches this image. */
export const automationsForRepository = (
  config: FluxConfig,
  canonicalImageName: string,
): ImageUpdateAutomation[] =>
  config.imageUpdateAutomations.filter((automation) =>
    policiesInScope(config, automation).some(
      (policy) => repositoryOf(config, policy)?.spec.imageName.canonical === canonicalImageName,
    ),
  );

/**
 * Automations with at least one in-scope policy on one of these ImageRepository objects: the objects
 * a Receiver selected, never another namespace's object that happens to watch the same image (rule 12).
 */
export const automationsForRepositories = (
  config: FluxConfig,
  repositories: readonly ImageRepository[],
): ImageUpdateAutomation[] => {
  const keys = new Set(repositories.map((r) => `${r.metadata.namespace}/${r.metadata.name}`));
  return config.imageUpdateAutomations.filter((automation) =>
    policiesInScope(config, automation).some((policy) => {
      const repository = repositoryOf(config, policy);
      return (
        repository !== undefined && keys.has(`${repository.metadata.namespace}/${repository.metadata.name}`)
      );
    }),
  );
};
