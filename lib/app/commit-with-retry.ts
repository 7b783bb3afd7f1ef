import { backoff } from '../domain/backoff.ts';
import { ConflictError } from '../domain/errors.ts';
import type { CommitSigner } from '../ports/commit-signer.ts';
import type { CheckoutOptions, GitClient, GitSignature, GitWorkspace } from '../ports/git.ts';

/**
 * Checkout → apply → commit → push, and when the push loses a race (ConflictError): throw the
 * workspace away, wait, check out the new head and apply again. Flux fails the run and retries the
 * whole reconcile with backoff (flux-semantics §5.6); retrying in-process is the same idea with a
 * shorter loop, and since `apply` recomputes from the fresh tree, no change is lost or doubled.
 */

export type CommitAttemptOutcome<T> =
  | { kind: 'commit'; message: string; author: GitSignature; signer?: CommitSigner; result: T }
  | { kind: 'nothing'; result: T };

/** Edits the workspace (writeFile) and says what to commit; called once per attempt, on a fresh checkout. */
export type CommitAttempt<T> = (workspace: GitWorkspace, attempt: number) => Promise<CommitAttemptOutcome<T>>;

export type CommitWithRetryOutcome<T> =
  | { kind: 'pushed'; commit: string; attempts: number; result: T }
  | { kind: 'nothing'; attempts: number; result: T };

export interface CommitWithRetryDeps {
  readonly git: GitClient;
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter source. */
  readonly random?: () => number;
}

export interface CommitWithRetryOptions {
  /** Attempts in all, the first included. */
  readonly maxAttempts?: number;
  /** Delay before the second attempt; doubles each time, with jitter (domain/backoff.ts). */
  readonly baseDelayMs?: number;
  /** No delay is longer. */
  readonly maxDelayMs?: number;
  /** Passed to push(); by default the workspace decides (force only when switching branches). */
  readonly force?: boolean;
}

export const commitWithRetryDefaults = Object.freeze({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2_000 });

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * @example
 * const outcome = await commitWithRetry({ git }, { url, credentials, branch: 'main' }, async (ws) => {
 *   const changes = await rewriteMarkers(ws, policies);   // writes files, returns what changed
 *   return changes.length ? { kind: 'commit', message: render(changes), author, result: changes }
 *                         : { kind: 'nothing', result: changes };
 * });
 */
export const commitWithRetry = async <T>(
  deps: CommitWithRetryDeps,
  checkout: CheckoutOptions,
  apply: CommitAttempt<T>,
  options: CommitWithRetryOptions = {},
): Promise<CommitWithRetryOutcome<T>> => {
  const maxAttempts = options.maxAttempts ?? commitWithRetryDefaults.maxAttempts;
  const delays = {
    baseMs: options.baseDelayMs ?? commitWithRetryDefaults.baseDelayMs,
    maxMs: options.maxDelayMs ?? commitWithRetryDefaults.maxDelayMs,
  };
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;

  for (let attempt = 1; ; attempt++) {
    const workspace = await deps.git.checkout(checkout);
    try {
      const outcome = await apply(workspace, attempt);
      if (outcome.kind === 'nothing') return { kind: 'nothing', attempts: attempt, result: outcome.result };
      const { message, author, signer } = outcome;
      const commit = await workspace.commit({ message, author, ...(signer && { signer }) });
      if (commit === null) return { kind: 'nothing', attempts: attempt, result: outcome.result };
      const pushed = await workspace.push({ force: options.force, signal: checkout.signal }).then(
        () => true,
        (error: unknown) => {
          // Only a lost push race is retried here; everything else is the caller's to classify.
          if (!(error instanceof ConflictError) || attempt >= maxAttempts) throw error;
          return false;
        },
      );
      if (pushed) return { kind: 'pushed', commit, attempts: attempt, result: outcome.result };
    } finally {
      await workspace.dispose();
    }
    await sleep(backoff(delays, attempt, random));
  }
};
