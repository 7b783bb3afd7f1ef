import type { ConfigIssue } from './config-issue.ts';
import { configIssue } from './config-issue.ts';
import { describeValue, isObject } from './fields.ts';
import type { ManifestSource } from './types.ts';
import { readYamlDocuments } from './yaml-documents.ts';

/** A manifest file's path (as it should appear in messages) and text. */
export interface ManifestFile {
  readonly path: string;
  readonly text: string;
}

/**
 * Calls `visit` for every object of every file: documents in order, empty documents skipped,
 * `kind: List` expanded into its items (what `kubectl get -o yaml` prints). Returns the issues of
 * the walk itself (YAML syntax errors, a List without a list of items).
 */
export const walkManifests = (
  files: readonly ManifestFile[],
  visit: (value: unknown, source: ManifestSource) => void,
): ConfigIssue[] => {
  const issues: ConfigIssue[] = [];
  for (const file of files) {
    for (const document of readYamlDocuments(file.text)) {
      const at = { file: file.path, document: document.index };
      if ('error' in document) {
        const { message, line, column } = document.error;
        issues.push(
          configIssue({ severity: 'error', ...at, line, column, message: `invalid YAML: ${message}` }),
        );
        continue;
      }
      const { value } = document;
      if (value === null || value === undefined) continue;
      if (!isObject(value) || value.kind !== 'List') {
        visit(value, at);
        continue;
      }
      const items = value.items ?? [];
      if (!Array.isArray(items)) {
        const message = `must be a list, got ${describeValue(items)}`;
        issues.push(configIssue({ severity: 'error', ...at, kind: 'List', field: 'items', message }));
        continue;
      }
      items.forEach((item: unknown, index: number) => {
        visit(item, { ...at, item: index });
      });
    }
  }
  return issues;
};
