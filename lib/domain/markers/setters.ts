import { formatLatestRef, type LatestRef } from '../changes.ts';

/** Setter name (`ns:name`, `ns:name:tag`, `ns:name:name`, `ns:name:digest`) → value to write. */
export type SetterTable = ReadonlyMap<string, string>;

export interface PolicyRef {
  readonly namespace: string;
  readonly name: string;
  readonly latestRef: LatestRef;
}

/**
 * The four setters Flux registers per policy (IAC `internal/update/setters.go`). The full setter
 * pins the digest whenever the policy reflects one; `:digest` is the empty string without one,
 * so a marked digest field is blanked, as in Flux. A later policy with the same namespace and
 * name replaces an earlier one (Go map semantics).
 */
export const buildSetters = (policies: readonly PolicyRef[]): SetterTable => {
  const table = new Map<string, string>();
  for (const { namespace, name, latestRef } of policies) {
    const setter = `${namespace}:${name}`;
    table.set(setter, formatLatestRef(latestRef));
    table.set(`${setter}:tag`, latestRef.tag);
    table.set(`${setter}:name`, latestRef.name);
    table.set(`${setter}:digest`, latestRef.digest ?? '');
  }
  return table;
};
