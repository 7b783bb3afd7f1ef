import type { ConfigIssue } from './config-issue.ts';
import { configIssue } from './config-issue.ts';
import { decodeObject } from './decode-object.ts';
import { documentField } from './object-issue.ts';
import type { FluxKind } from './types.ts';
import type { ManifestFile } from './walk-manifests.ts';
import { walkManifests } from './walk-manifests.ts';

export interface CollectedObjects {
  readonly objects: FluxKind[];
  readonly issues: ConfigIssue[];
  /** `Kind/namespace/name` of supported objects that failed to decode, so references to them are not "missing". */
  readonly invalid: ReadonlySet<string>;
}

export const declaredObjectKey = (kind: string, namespace: string, name: string): string =>
  `${kind}/${namespace}/${name}`;

/** Decodes every object of every file and turns field problems into located issues; no cross-object checks. */
export const collectObjects = (files: readonly ManifestFile[]): CollectedObjects => {
  const objects: FluxKind[] = [];
  const issues: ConfigIssue[] = [];
  const invalid = new Set<string>();
  const walkIssues = walkManifests(files, (value, source) => {
    const decoded = decodeObject(value, source);
    if (decoded.object) objects.push(decoded.object);
    else if (decoded.supported && decoded.kind && decoded.namespace && decoded.name) {
      invalid.add(declaredObjectKey(decoded.kind, decoded.namespace, decoded.name));
    }
    for (const issue of decoded.issues) {
      issues.push(
        configIssue({
          severity: issue.severity,
          file: source.file,
          document: source.document,
          kind: decoded.kind,
          namespace: decoded.namespace,
          name: decoded.name,
          field: documentField(source, issue.field),
          message: issue.message,
        }),
      );
    }
  });
  return { objects, issues: [...walkIssues, ...issues], invalid };
};
