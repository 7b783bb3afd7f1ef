import type { RegistryClient, RegistryRepository } from '../ports/registry.ts';

/**
 * A RegistryClient view that remembers what the registry answered in one run: the raw tag lists
 * (before the exclusion list) and which digests were asked for. `plan` runs the real use case
 * through it and explains from the same answers the decision used, without a second listing.
 */
export interface RecordingRegistry {
  readonly client: RegistryClient;
  /** Tags as listed, by canonical name (`registry/repository`); undefined when never listed. */
  listed(canonical: string): readonly string[] | undefined;
  /** True when the digest of `canonical:tag` was asked of the registry in this run. */
  resolved(canonical: string, tag: string): boolean;
}

const canonicalOf = (repo: RegistryRepository) => `${repo.registry}/${repo.repository}`;

export const createRecordingRegistry = (inner: RegistryClient): RecordingRegistry => {
  const listed = new Map<string, readonly string[]>();
  const resolved = new Set<string>();
  return {
    client: {
      async listTags(repo, options) {
        const tags = await inner.listTags(repo, options);
        listed.set(canonicalOf(repo), [...tags]);
        return tags;
      },
      async resolveDigest(repo, tag, options) {
        const digest = await inner.resolveDigest(repo, tag, options);
        resolved.add(`${canonicalOf(repo)}\u0000${tag}`);
        return digest;
      },
    },
    listed: (canonical) => listed.get(canonical),
    resolved: (canonical, tag) => resolved.has(`${canonical}\u0000${tag}`),
  };
};
