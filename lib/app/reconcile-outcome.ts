import type { Change } from '../domain/changes.ts';
import type { MarkerWarning } from '../domain/markers/rewrite-markers.ts';
import type { PolicyResolution } from './resolve-policies.ts';

/** What one ImageUpdateAutomation run did: the value the worker, the CLI, notifications and logs read. */
export interface RunReport {
  readonly automation: string;
  readonly resolutions: readonly PolicyResolution[];
  readonly warnings: readonly MarkerWarning[];
}

export type ReconcileOutcome =
  | (RunReport & {
      readonly kind: 'pushed';
      readonly commit: string;
      readonly branch: string;
      readonly changes: readonly Change[];
      readonly attempts: number;
      /** Pull-request mode: the pull request this push opened or updated. */
      readonly pullRequest?: {
        readonly url: string;
        readonly number: number;
        readonly action: 'opened' | 'updated';
      };
    })
  | (RunReport & { readonly kind: 'up-to-date'; readonly reason: string })
  | (RunReport & {
      readonly kind: 'dry-run';
      readonly changes: readonly Change[];
      readonly diffs: readonly { file: string; diff: string }[];
    })
  | { readonly kind: 'skipped'; readonly automation: string; readonly reason: string };
