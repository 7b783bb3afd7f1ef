import type { LatestRef } from '../domain/changes.ts';
import type { AppErrorCode } from '../domain/errors.ts';

/**
 * What the service remembers between runs: Flux's status fields, kept outside Kubernetes.
 * Every record carries a version; writes are compare-and-set so two workers never overwrite
 * each other (the loser gets a ConflictError and retries on fresh state).
 */

export interface RecordedError {
  readonly code: AppErrorCode;
  readonly message: string;
  /** ISO-8601 time the error was recorded. */
  readonly at: string;
}

/** One ImageRepository's last scan (Flux `status.lastScanResult`). */
export interface RepositoryStatus {
  readonly canonicalName: string;
  readonly lastScanTime?: string;
  /** Adler-32 of the sorted tag list, as Flux computes `lastScanResult.revision`. */
  readonly revision?: string;
  readonly tagCount?: number;
  /** Tags the registry listed that break the OCI tag grammar, dropped before anything used them. */
  readonly invalidTagCount?: number;
  /** First ten tags in descending byte order (Flux `latestTags`). */
  readonly latestTags?: readonly string[];
  /** The spec the last scan used (image and exclusion list); a change forces a rescan. */
  readonly observedSpec?: string;
  readonly lastError?: RecordedError;
}

/** One ImagePolicy (Flux `status.latestRef` / `observedPreviousRef`). */
export interface PolicyStatus {
  readonly latestRef?: LatestRef;
  readonly observedPreviousRef?: LatestRef;
  readonly lastEvaluationTime?: string;
  /** The spec the last evaluation used; a change forces a re-evaluation on fresh tags. */
  readonly observedSpec?: string;
  readonly lastError?: RecordedError;
}

/** One ImageUpdateAutomation (Flux `status`). */
export interface AutomationStatus {
  readonly lastRunTime?: string;
  readonly lastPushCommit?: string;
  readonly lastPushTime?: string;
  /** Branch the last commit was pushed to. */
  readonly lastPushBranch?: string;
  /** `policy name → latestRef` considered by the last successful run. */
  readonly observedPolicies?: Readonly<Record<string, LatestRef>>;
  /** `<branch>@sha1:<commit>` last seen or produced (Flux format). */
  readonly observedSourceRevision?: string;
  /** Problems found while rewriting (unknown policy in a marker, unparsable file), from the last run. */
  readonly warnings?: readonly { readonly file: string; readonly line: number; readonly message: string }[];
  readonly lastError?: RecordedError;
}

export interface StateRecords {
  readonly repository: RepositoryStatus;
  readonly policy: PolicyStatus;
  readonly automation: AutomationStatus;
}

export type StateKind = keyof StateRecords;

export interface Versioned<T> {
  readonly value: T;
  /** 1 for the first write; increases by one per write. */
  readonly version: number;
}

/**
 * @example
 * const current = await state.read('policy', 'apps/web');
 * await state.write('policy', 'apps/web', next, current?.version ?? 0); // ConflictError if someone wrote meanwhile
 */
export interface StateStore {
  read<K extends StateKind>(kind: K, key: string): Promise<Versioned<StateRecords[K]> | undefined>;
  /** Writes when the stored version equals `expectedVersion` (0 = the record must not exist); returns the new version. */
  write<K extends StateKind>(
    kind: K,
    key: string,
    value: StateRecords[K],
    expectedVersion: number,
  ): Promise<number>;
  list<K extends StateKind>(kind: K): Promise<Array<{ readonly key: string } & Versioned<StateRecords[K]>>>;
  /** True when `id` was recorded (and has not expired): a read only, nothing is recorded. */
  hasDelivery(id: string): Promise<boolean>;
  /**
   * Records a webhook delivery id at the store's own clock; false when it was already recorded and has
   * not expired (a replay). The store's clock alone decides both the record's time and its expiry.
   */
  rememberDelivery(id: string): Promise<boolean>;
}
