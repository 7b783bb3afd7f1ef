import type { LatestRef } from '../domain/changes.ts';
import { policiesInScope } from '../domain/flux/scope.ts';
import type { FluxConfig } from '../domain/flux/types.ts';
import type { RecordedError, StateStore } from '../ports/state-store.ts';

/**
 * What `status` prints and `GET /status` answers: Flux's status fields for every automation,
 * policy and repository the state records (plus, given the configuration, the ones that never
 * ran), sorted by key, with ages relative to one `now` so the same state always renders the same.
 * Read-only; the shape is a stable contract for tools (`version: 1`).
 */
export interface StatusError extends RecordedError {
  readonly ageSeconds: number;
}

export interface AutomationStatusRow {
  /** `namespace/name`. */
  readonly automation: string;
  /** False for an object of the configuration with nothing recorded yet. */
  readonly recorded: boolean;
  readonly lastRunTime?: string;
  readonly lastRunAgeSeconds?: number;
  readonly lastPushCommit?: string;
  readonly lastPushTime?: string;
  readonly lastPushAgeSeconds?: number;
  readonly lastPushBranch?: string;
  readonly observedSourceRevision?: string;
  /** Policy keys (`namespace/name`) the automation uses. */
  readonly policies: readonly string[];
  readonly warnings: number;
  readonly lastError?: StatusError;
}

export interface PolicyStatusRow {
  readonly policy: string;
  readonly recorded: boolean;
  readonly latestRef?: LatestRef;
  readonly previousRef?: LatestRef;
  readonly lastEvaluationTime?: string;
  readonly lastEvaluationAgeSeconds?: number;
  readonly lastError?: StatusError;
}

export interface RepositoryStatusRow {
  /** Canonical image name, e.g. `ghcr.io/acme/web`. */
  readonly repository: string;
  readonly recorded: boolean;
  readonly lastScanTime?: string;
  readonly lastScanAgeSeconds?: number;
  readonly tagCount?: number;
  /** Tags dropped at the last scan for breaking the OCI tag grammar (absent when none). */
  readonly invalidTagCount?: number;
  readonly revision?: string;
  readonly lastError?: StatusError;
}

/** A run given up after the last delivery (domain/settle-work.ts): the local dead-letter queue. */
export interface DeadLetterEntry {
  readonly automation: string;
  readonly attempts: number;
  readonly lastError: { readonly code: string; readonly message: string };
  /** ISO-8601: when it was given up. */
  readonly at: string;
}

export interface DeadLetterRow extends DeadLetterEntry {
  readonly ageSeconds: number;
}

export interface StatusReport {
  readonly version: 1;
  readonly generatedAt: string;
  readonly automations: readonly AutomationStatusRow[];
  readonly policies: readonly PolicyStatusRow[];
  readonly repositories: readonly RepositoryStatusRow[];
  /**
   * Local mode only (on Lambda the DLQ and its alarm hold them): runs given up after the last
   * delivery, waiting for `image-automation redrive`.
   */
  readonly deadLetters?: { readonly count: number; readonly items: readonly DeadLetterRow[] };
}

const keyOf = (o: { metadata: { namespace: string; name: string } }) =>
  `${o.metadata.namespace}/${o.metadata.name}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Whole seconds since `iso`, never negative (a clock a little behind is "0s", not "in 2s"). */
export const ageSeconds = (iso: string, now: Date): number => {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.floor((now.getTime() - at) / 1000));
};

const timeFields = <N extends string>(name: N, iso: string | undefined, now: Date) =>
  (iso === undefined ? {} : { [`${name}Time`]: iso, [`${name}AgeSeconds`]: ageSeconds(iso, now) }) as Record<
    string,
    string | number
  >;

const errorOf = (error: RecordedError | undefined, now: Date) =>
  error ? { lastError: { ...error, ageSeconds: ageSeconds(error.at, now) } } : {};

/**
 * Who is asking (rule 12: a status view belongs to one namespace). `all`: the operator's read token.
 * `namespaces`: a Receiver's token, whose holder (a registry admin who configured the sender) sees
 * the automations and policies of its Receiver's namespace, and the repositories that namespace's
 * ImageRepositories name — without their last error, since a repository's state is shared by every
 * namespace that watches the same image.
 */
export type StatusView =
  | { readonly scope: 'all' }
  | { readonly scope: 'namespaces'; readonly namespaces: ReadonlySet<string> };

const namespaceOf = (key: string) => key.slice(0, key.indexOf('/'));

/** Only the rows `view` may see; the whole report for `all`. */
const restrict = (report: StatusReport, view: StatusView, config: FluxConfig | undefined): StatusReport => {
  if (view.scope === 'all') return report;
  const visible = (key: string) => view.namespaces.has(namespaceOf(key));
  const images = new Set(
    (config?.imageRepositories ?? [])
      .filter((r) => view.namespaces.has(r.metadata.namespace))
      .map((r) => r.spec.imageName.canonical),
  );
  return {
    ...report,
    automations: report.automations
      .filter((row) => visible(row.automation))
      .map((row) => ({ ...row, policies: row.policies.filter(visible) })),
    policies: report.policies.filter((row) => visible(row.policy)),
    repositories: report.repositories
      .filter((row) => images.has(row.repository))
      .map(({ lastError: _, ...row }) => row),
    ...(report.deadLetters && {
      deadLetters: rows(report.deadLetters.items.filter((d) => visible(d.automation))),
    }),
  };
};

const rows = (items: readonly DeadLetterRow[]) => ({ count: items.length, items });

export const buildStatusReport = async (
  state: StateStore,
  options: {
    readonly now: Date;
    readonly config?: FluxConfig;
    readonly view?: StatusView;
    /** The local queue's dead letters; absent on Lambda. */
    readonly deadLetters?: readonly DeadLetterEntry[];
  },
): Promise<StatusReport> => {
  const { now, config } = options;
  const [automations, policies, repositories] = await Promise.all([
    state.list('automation'),
    state.list('policy'),
    state.list('repository'),
  ]);
  const automationKeys = new Set([
    ...automations.map((a) => a.key),
    ...(config?.imageUpdateAutomations.map(keyOf) ?? []),
  ]);
  const automationRows = [...automationKeys].sort(compare).map((key): AutomationStatusRow => {
    const value = automations.find((a) => a.key === key)?.value;
    const namespace = key.slice(0, key.indexOf('/'));
    const configured = config?.imageUpdateAutomations.find((a) => keyOf(a) === key);
    // Flux records observed policies by name; they live in the automation's namespace.
    const used = new Set([
      ...Object.keys(value?.observedPolicies ?? {}).map((name) => `${namespace}/${name}`),
      ...(configured && config ? policiesInScope(config, configured).map(keyOf) : []),
    ]);
    return {
      automation: key,
      recorded: value !== undefined,
      ...timeFields('lastRun', value?.lastRunTime, now),
      ...(value?.lastPushCommit ? { lastPushCommit: value.lastPushCommit } : {}),
      ...timeFields('lastPush', value?.lastPushTime, now),
      ...(value?.lastPushBranch ? { lastPushBranch: value.lastPushBranch } : {}),
      ...(value?.observedSourceRevision ? { observedSourceRevision: value.observedSourceRevision } : {}),
      policies: [...used].sort(compare),
      warnings: value?.warnings?.length ?? 0,
      ...errorOf(value?.lastError, now),
    };
  });

  const policyKeys = new Set([...policies.map((p) => p.key), ...(config?.imagePolicies.map(keyOf) ?? [])]);
  const policyRows = [...policyKeys].sort(compare).map((key): PolicyStatusRow => {
    const value = policies.find((p) => p.key === key)?.value;
    return {
      policy: key,
      recorded: value !== undefined,
      ...(value?.latestRef ? { latestRef: value.latestRef } : {}),
      ...(value?.observedPreviousRef ? { previousRef: value.observedPreviousRef } : {}),
      ...timeFields('lastEvaluation', value?.lastEvaluationTime, now),
      ...errorOf(value?.lastError, now),
    };
  });

  const configuredRepositories = config?.imageRepositories.map((r) => r.spec.imageName.canonical) ?? [];
  const repositoryKeys = new Set([...repositories.map((r) => r.key), ...configuredRepositories]);
  const repositoryRows = [...repositoryKeys].sort(compare).map((key): RepositoryStatusRow => {
    const value = repositories.find((r) => r.key === key)?.value;
    return {
      repository: key,
      recorded: value !== undefined,
      ...timeFields('lastScan', value?.lastScanTime, now),
      ...(value?.tagCount !== undefined ? { tagCount: value.tagCount } : {}),
      ...(value?.invalidTagCount ? { invalidTagCount: value.invalidTagCount } : {}),
      ...(value?.revision ? { revision: value.revision } : {}),
      ...errorOf(value?.lastError, now),
    };
  });

  const report: StatusReport = {
    version: 1,
    generatedAt: now.toISOString(),
    automations: automationRows,
    policies: policyRows,
    repositories: repositoryRows,
    ...(options.deadLetters && {
      deadLetters: rows(
        options.deadLetters.map((d) => ({ ...d, ageSeconds: d.at ? ageSeconds(d.at, now) : 0 })),
      ),
    }),
  };
  return restrict(report, options.view ?? { scope: 'all' }, config);
};
