import { InvalidConfigError } from './errors.ts';

/**
 * An ImageRepository's `spec.image`, validated and canonicalised the way Flux does it
 * (image-reflector-controller `internal/registry/helper.go`, go-containerregistry weak parsing):
 * no scheme, no tag or digest, lowercase repository path; `alpine` → `index.docker.io/library/alpine`.
 */
export interface ImageName {
  /** The string as written by the user (what `latestRef.name` reports). */
  readonly original: string;
  /** Registry host (with port), Docker Hub as `index.docker.io`. */
  readonly registry: string;
  /** Repository path inside the registry, e.g. `library/alpine`. */
  readonly repository: string;
  /** `registry/repository`, Flux's `status.canonicalImageName`. */
  readonly canonical: string;
}

export const DOCKER_HUB = 'index.docker.io';

// OCI distribution-spec name grammar: path components separated by '/'.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;

/** True when the first path element names a registry rather than a Docker Hub namespace (docker/distribution reference rules). */
const looksLikeRegistry = (first: string): boolean =>
  first.includes('.') || first.includes(':') || first === 'localhost';

export type ImageNameResult = { ok: true; value: ImageName } | { ok: false; message: string };

/** Validates an image string without throwing; `message` says what is wrong. */
export const parseImageName = (image: string): ImageNameResult => {
  if (image.includes('://'))
    return { ok: false, message: `"${image}" should not include URL scheme; remove it` };
  if (image.trim() !== image || image === '')
    return { ok: false, message: `"${image}" is not a valid image name` };
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  let registry: string;
  let rest: string;
  if (slash >= 0 && looksLikeRegistry(first)) {
    registry = first;
    rest = image.slice(slash + 1);
  } else {
    registry = DOCKER_HUB;
    rest = image;
  }
  if (rest.includes(':') || rest.includes('@')) {
    return {
      ok: false,
      message: `"${image}" should not include a tag or digest; set it in the ImagePolicy instead`,
    };
  }
  if (registry === 'docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !rest.includes('/')) rest = `library/${rest}`;
  const components = rest.split('/');
  if (components.some((c) => !PATH_COMPONENT.test(c))) {
    return {
      ok: false,
      message: `"${image}" is not a valid repository name (lowercase letters, digits and separators . _ __ - only)`,
    };
  }
  if (!/^[A-Za-z0-9.-]+(?::[0-9]+)?$/.test(registry)) {
    return { ok: false, message: `"${image}" has an invalid registry host "${registry}"` };
  }
  return {
    ok: true,
    value: { original: image, registry, repository: rest, canonical: `${registry}/${rest}` },
  };
};

/** Like parseImageName, but throws InvalidConfigError. */
export const imageName = (image: string): ImageName => {
  const result = parseImageName(image);
  if (!result.ok) throw new InvalidConfigError(result.message, { data: { image } });
  return result.value;
};
