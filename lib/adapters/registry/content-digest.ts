/**
 * Digest grammar from the OCI image spec (`algorithm ":" encoded`), with the registered algorithms'
 * exact lengths checked: https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
 */
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

const REGISTERED: Readonly<Record<string, RegExp>> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};

/** True for a well-formed content digest such as `sha256:<64 hex>`. */
export const isContentDigest = (value: string): boolean => {
  if (!DIGEST.test(value)) return false;
  const colon = value.indexOf(':');
  const encoded = REGISTERED[value.slice(0, colon)];
  return encoded === undefined || encoded.test(value.slice(colon + 1));
};
