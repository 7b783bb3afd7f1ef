/**
 * One problem found while loading configuration, located precisely enough to fix it without
 * guessing: file, document (1-based, counting every document of the file), object, field.
 *
 * Formatted as `clusters/apps.yaml: document 3 (ImagePolicy apps/web): spec.policy.semver.range: invalid
 * constraint "1.x.y"`; parts that are unknown are left out, and a line (YAML syntax errors) is written
 * the way editors and compilers do: `clusters/apps.yaml:14:3: document 2: …`.
 * Messages never contain secret values.
 */

export type IssueSeverity = 'error' | 'warning';

export interface ConfigIssue {
  readonly severity: IssueSeverity;
  readonly file: string;
  readonly document?: number;
  readonly line?: number;
  readonly column?: number;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly field?: string;
  readonly message: string;
  /** Same as `formatIssue(this)`. Not enumerable, so issues compare and serialise as plain data. */
  format(): string;
}

export type ConfigIssueInit = Omit<ConfigIssue, 'format'>;

export const formatIssue = (issue: ConfigIssueInit): string => {
  let where = issue.file;
  if (issue.line !== undefined) {
    where += `:${issue.line}`;
    if (issue.column !== undefined) where += `:${issue.column}`;
  }
  const parts = [where];
  if (issue.document !== undefined) {
    let document = `document ${issue.document}`;
    const object = describeObject(issue);
    if (object) document += ` (${object})`;
    parts.push(document);
  }
  if (issue.field) parts.push(issue.field);
  parts.push(issue.message);
  return parts.join(': ');
};

const describeObject = (issue: ConfigIssueInit): string => {
  const name = issue.name ? (issue.namespace ? `${issue.namespace}/${issue.name}` : issue.name) : '';
  return [issue.kind, name].filter(Boolean).join(' ');
};

/** Builds a frozen issue with an (invisible) `format()` method; undefined parts are dropped. */
export const configIssue = (init: ConfigIssueInit): ConfigIssue => {
  const issue: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(init))
    if (value !== undefined && value !== '') issue[key] = value;
  const plain = issue as unknown as ConfigIssueInit;
  Object.defineProperty(issue, 'format', { value: () => formatIssue(plain), enumerable: false });
  return Object.freeze(issue) as unknown as ConfigIssue;
};
