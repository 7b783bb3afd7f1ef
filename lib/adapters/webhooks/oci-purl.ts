import { digestOf, type ImageReference, splitReference } from './image-reference.ts';

/**
 * Reads an OCI package URL, `pkg:oci/<name>@<url-encoded digest>?repository_url=<host>/<path>&tag=<tag>`
 * (https://github.com/package-url/purl-spec/blob/main/types-doc/oci-definition.md). The
 * repository comes from `repository_url`, which names host and full path; undefined for other
 * purl types or when it is missing.
 */
export const parseOciPurl = (purl: string): ImageReference | undefined => {
  if (!purl.toLowerCase().startsWith('pkg:oci/')) return undefined;
  const query = purl.indexOf('?');
  const path = query < 0 ? purl : purl.slice(0, query);
  const qualifiers = new URLSearchParams(query < 0 ? '' : purl.slice(query + 1).split('#')[0]);
  const at = path.indexOf('@');
  const version = at < 0 ? undefined : safeDecode(path.slice(at + 1));
  const repositoryUrl = qualifiers.get('repository_url');
  const where = repositoryUrl ? splitReference(repositoryUrl) : undefined;
  if (!where) return undefined;
  const tag = qualifiers.get('tag') ?? undefined;
  const digest = digestOf(version);
  return {
    registry: where.registry,
    repository: where.repository,
    ...(tag && { tag }),
    ...(digest && { digest }),
  };
};

const safeDecode = (value: string): string | undefined => {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
};
