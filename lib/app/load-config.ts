import type { ManifestLoad } from '../domain/flux/parse-manifests.ts';
import { parseManifests } from '../domain/flux/parse-manifests.ts';
import type { ReadManifestFiles } from '../ports/manifest-reader.ts';

export interface LoadConfigDeps {
  /** Reads manifest files under a path (the local file system, a bundled directory, S3). */
  readonly readManifestFiles: ReadManifestFiles;
}

/**
 * Loads the Flux manifests at `path` (a file or a directory) into a typed configuration, with every
 * problem of the load: unreadable files first, then invalid documents and broken references.
 * The configuration is usable when `errors` is empty; `warnings` are worth showing but not fatal.
 *
 * @example
 * const { config, errors } = await loadConfig('clusters/production', { readManifestFiles });
 * if (errors.length > 0) for (const issue of errors) console.error(issue.format());
 */
export const loadConfig = async (path: string, deps: LoadConfigDeps): Promise<ManifestLoad> => {
  const read = await deps.readManifestFiles(path);
  const load = parseManifests(read.files);
  return {
    config: load.config,
    errors: [...read.errors, ...load.errors],
    warnings: [...read.warnings, ...load.warnings],
  };
};
