/**
 * The change model: what a rewrite did, in Flux's shape (image-automation-controller
 * `internal/update/result.go`), so commit-message templates written for Flux keep working.
 */

/** A Kubernetes object a marker lives in; empty strings for non-Kubernetes YAML (e.g. Helm values). */
export interface ObjectIdentifier {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** One marked scalar whose value changed. */
export interface Change {
  /** Path relative to the scanned root, with forward slashes. */
  readonly file: string;
  /** 1-based line of the scalar in the original text. */
  readonly line: number;
  readonly object: ObjectIdentifier;
  /** Setter name as written in the marker, e.g. `apps:web` or `apps:web:tag`. */
  readonly setter: string;
  readonly oldValue: string;
  readonly newValue: string;
}

/** The latest image reference a policy resolved to (`status.latestRef` in Flux). */
export interface LatestRef {
  /** The ImageRepository's `spec.image`, verbatim (not canonical). */
  readonly name: string;
  readonly tag: string;
  readonly digest?: string;
}

/** `name:tag` or `name:tag@digest`, as Flux prints a ref. */
export const formatLatestRef = (ref: LatestRef): string =>
  ref.digest ? `${ref.name}:${ref.tag}@${ref.digest}` : `${ref.name}:${ref.tag}`;

export const sameLatestRef = (a: LatestRef | undefined, b: LatestRef | undefined): boolean =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.name === b.name &&
    a.tag === b.tag &&
    (a.digest ?? '') === (b.digest ?? ''));

/** Changes grouped by file then by object, in first-seen order (Flux `Result.FileChanges`). */
export const groupChangesByFile = (
  changes: readonly Change[],
): Map<string, Map<string, { object: ObjectIdentifier; changes: Change[] }>> => {
  const files = new Map<string, Map<string, { object: ObjectIdentifier; changes: Change[] }>>();
  for (const change of changes) {
    let objects = files.get(change.file);
    if (!objects) {
      objects = new Map();
      files.set(change.file, objects);
    }
    const key = objectKey(change.object);
    let entry = objects.get(key);
    if (!entry) {
      entry = { object: change.object, changes: [] };
      objects.set(key, entry);
    }
    entry.changes.push(change);
  }
  return files;
};

export const objectKey = (o: ObjectIdentifier): string =>
  `${o.apiVersion}\u0000${o.kind}\u0000${o.name}\u0000${o.namespace}`;
