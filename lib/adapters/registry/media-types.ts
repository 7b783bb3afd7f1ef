/**
 * Manifest media types a tag may point at. The HEAD that resolves a tag must list all four: distribution
 * answers 404 for OCI content it was not asked for, and silently rewrites a Docker manifest list into its
 * linux/amd64 child when the list type is missing, which would pin the wrong digest.
 * https://github.com/opencontainers/image-spec/blob/main/media-types.md
 * https://distribution.github.io/distribution/spec/manifest-v2-2/
 */
export const MANIFEST_MEDIA_TYPES = Object.freeze([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const);

export const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');
