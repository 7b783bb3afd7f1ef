import { parseImageName } from '../image-name.ts';
import { matchesLabelSelector } from './label-selector.ts';
import type { FluxConfig, ImageRepository, Receiver } from './types.ts';

/**
 * Which ImageRepositories a Receiver may trigger: its `spec.resources` of kind ImageRepository
 * (`name: '*'` with `matchLabels` selects by label, as in Flux's notification-controller).
 */
export const receiverRepositories = (config: FluxConfig, receiver: Receiver): ImageRepository[] =>
  config.imageRepositories.filter((repository) =>
    receiver.spec.resources.some(
      (resource) =>
        resource.kind === 'ImageRepository' &&
        resource.namespace === repository.metadata.namespace &&
        (resource.name === '*'
          ? matchesLabelSelector(
              { matchLabels: resource.matchLabels ?? {}, matchExpressions: [] },
              repository.metadata.labels,
            )
          : resource.name === repository.metadata.name),
    ),
  );

/**
 * The ImageRepositories a registry event is about, among `candidates` (a Receiver's resources).
 * The canonical name decides (`docker.io/x` and `index.docker.io/library/x` agree). When the
 * sender names the registry by another host than the manifests do (a proxy, an internal name),
 * the repository path alone decides — only within the Receiver's own resources, which the user
 * listed on purpose.
 */
export const repositoriesForEvent = (
  candidates: readonly ImageRepository[],
  event: { readonly registry: string; readonly repository: string },
  options: { readonly matchPathOnly: boolean },
): ImageRepository[] => {
  const parsed = parseImageName(`${event.registry}/${event.repository}`);
  const byName = parsed.ok
    ? candidates.filter((repository) => repository.spec.imageName.canonical === parsed.value.canonical)
    : [];
  if (byName.length > 0 || !options.matchPathOnly) return byName;
  const path = parsed.ok ? parsed.value.repository : event.repository;
  return candidates.filter((repository) => repository.spec.imageName.repository === path);
};
