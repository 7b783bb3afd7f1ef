import { InvalidConfigError, UpstreamError } from '../../domain/errors.ts';
import { isOciTag } from '../../domain/policy/oci-tag.ts';
import type { RegistryCallOptions, RegistryRepository } from '../../ports/registry.ts';
import { isContentDigest } from './content-digest.ts';
import type { RegistryResponse } from './http-sender.ts';
import { MANIFEST_ACCEPT } from './media-types.ts';
import type { AuthorizedRequest } from './registry-auth.ts';
import { repositoryUrl } from './registry-endpoint.ts';
import { describeFailure, errorForResponse, type RequestTarget } from './registry-errors.ts';

export interface ResolveDigestDeps {
  readonly sendAuthorized: (request: AuthorizedRequest) => Promise<RegistryResponse>;
}

/**
 * The digest `repo:tag` points at: one `HEAD /v2/<name>/manifests/<tag>` with every manifest type accepted,
 * `Docker-Content-Digest` taken verbatim — the index digest for multi-arch images, as Flux's digest
 * reflection (go-containerregistry `remote.Head`) does. No manifest GET: on Docker Hub a GET counts as a
 * pull against the rate limit and a HEAD does not.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#checking-if-content-exists-in-the-registry
 */
export const resolveTagDigest = async (
  deps: ResolveDigestDeps,
  repo: RegistryRepository,
  tag: string,
  options: RegistryCallOptions = {},
): Promise<string> => {
  const target: RequestTarget = {
    registry: repo.registry,
    repository: repo.repository,
    subject: `tag "${tag}"`,
  };
  // The OCI tag grammar also keeps path segments such as `..` out of the URL.
  if (!isOciTag(tag)) {
    throw new InvalidConfigError(`tag "${tag}" is not a valid OCI tag ${describeFailure(target)}`, {
      data: { registry: repo.registry, repository: repo.repository, tag },
    });
  }
  const response = await deps.sendAuthorized({
    repo,
    method: 'HEAD',
    url: repositoryUrl(repo, `manifests/${tag}`),
    kind: 'manifest-head',
    target,
    headers: { accept: MANIFEST_ACCEPT },
    signal: options.signal,
  });
  if (response.status !== 200) throw errorForResponse(target, response, { attempts: response.attempts });
  const digest = response.headers.get('docker-content-digest');
  const data = { registry: repo.registry, repository: repo.repository, tag, status: response.status };
  if (digest === null || digest === '') {
    throw new UpstreamError(
      `${target.subject}: the registry did not report a digest (no Docker-Content-Digest header on HEAD) ${describeFailure(target, 200)}`,
      { data },
    );
  }
  if (!isContentDigest(digest)) {
    throw new UpstreamError(
      `${target.subject}: the registry reported a malformed digest ${describeFailure(target, 200)}`,
      {
        data: { ...data, digest: digest.slice(0, 100) },
      },
    );
  }
  return digest;
};
