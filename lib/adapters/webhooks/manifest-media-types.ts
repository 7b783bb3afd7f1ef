/** Media types of things a tag can point at that we pin: images and image indexes (OCI and Docker). */
export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);

// cosign and friends push signatures, attestations and SBOMs under tags derived from the digest.
const SIGNATURE_TAG = /^sha256-[0-9a-f]{64}(\.[a-z]+)?$/;

/** True for tags that name supply-chain artefacts of another manifest rather than a release. */
export const isArtefactTag = (tag: string): boolean => SIGNATURE_TAG.test(tag);
