import type { ConfigIssue } from '../domain/flux/config-issue.ts';
import type { ManifestFile } from '../domain/flux/walk-manifests.ts';

/**
 * Where the configuration (the user's Flux manifests) comes from: a local file or directory, a
 * directory bundled with a Lambda deployment, or an S3 object. Problems are returned, not thrown,
 * so a load can report every one of them at once.
 */
export interface ManifestFilesRead {
  readonly files: ManifestFile[];
  readonly errors: ConfigIssue[];
  readonly warnings: ConfigIssue[];
}

export type ReadManifestFiles = (path: string) => Promise<ManifestFilesRead>;
