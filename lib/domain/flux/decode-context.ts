/**
 * Collects the problems of one object while it is decoded, so a decoder reports every bad field
 * instead of stopping at the first. The caller adds the location (file, document, object).
 */

export interface FieldIssue {
  readonly severity: 'error' | 'warning';
  /** Path from the object root, e.g. `spec.policy.semver.range`; '' for the object itself. */
  readonly field: string;
  readonly message: string;
}

export interface DecodeContext {
  readonly issues: FieldIssue[];
  error(field: string, message: string): void;
  warn(field: string, message: string): void;
  /** Errors recorded so far; a decoder returns no object when this grew while decoding it. */
  errorCount(): number;
}

export const createDecodeContext = (): DecodeContext => {
  const issues: FieldIssue[] = [];
  return {
    issues,
    error(field, message) {
      issues.push({ severity: 'error', field, message });
    },
    warn(field, message) {
      issues.push({ severity: 'warning', field, message });
    },
    errorCount() {
      return issues.filter((issue) => issue.severity === 'error').length;
    },
  };
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `spec` + `image` → `spec.image`; `exclusionList` + 0 → `exclusionList[0]`; odd keys are quoted. */
export const fieldPath = (path: string, key: string | number): string => {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
};
