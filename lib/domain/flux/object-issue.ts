import type { ConfigIssue, IssueSeverity } from './config-issue.ts';
import { configIssue } from './config-issue.ts';
import type { FluxKind, ManifestSource } from './types.ts';

/** Field path within the document: objects that came from a `kind: List` get an `items[i].` prefix. */
export const documentField = (source: ManifestSource, field: string): string => {
  if (source.item === undefined) return field;
  const item = `items[${source.item}]`;
  return field ? `${item}.${field}` : item;
};

/** An issue about a decoded object, located at the document it came from. */
export const objectIssue = (
  object: FluxKind,
  severity: IssueSeverity,
  field: string,
  message: string,
): ConfigIssue =>
  configIssue({
    severity,
    file: object.source.file,
    document: object.source.document,
    kind: object.kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name,
    field: documentField(object.source, field),
    message,
  });
