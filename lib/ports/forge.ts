import type { ForgeTarget } from '../domain/forge-target.ts';

/**
 * The forge side of pull-request mode: GitHub pull requests or GitLab merge requests, one per
 * automation and push branch, found by head branch before any is opened, updated in place after.
 */

export type ForgeCredential =
  | { readonly scheme: 'bearer'; readonly token: string }
  /** GitLab personal, project or group access token in the `PRIVATE-TOKEN` header. */
  | { readonly scheme: 'private-token'; readonly token: string };

export interface ForgeAuth {
  /** The API credential; `renew` after a 401 (a GitHub App mints a new installation token). */
  credential(options?: { readonly renew?: boolean }): Promise<ForgeCredential>;
  /** Whether `renew` can yield a different credential (a static token cannot). */
  readonly renewable: boolean;
}

export interface PullRequest {
  /** GitHub PR number or GitLab MR `iid` (what `#12` / `!12` refer to). */
  readonly number: number;
  /** Web URL for people. */
  readonly url: string;
  readonly title: string;
  readonly body: string;
  readonly head: string;
  readonly base: string;
  readonly labels: readonly string[];
}

export interface NewPullRequest {
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
  readonly labels?: readonly string[];
  /** User names; `org/team` for a GitHub team. */
  readonly reviewers?: readonly string[];
}

/**
 * @example
 * const forge = forges(target, auth);
 * const open = await forge.findOpenPullRequest({ head: 'image-updates', base: 'main' });
 * const pr = open ? await forge.updatePullRequest(open.number, { title, body })
 *                 : await forge.createPullRequest({ head: 'image-updates', base: 'main', title, body, labels });
 */
export interface ForgeClient {
  /** The open pull request from `head` into `base` in this repository, or null. */
  findOpenPullRequest(query: { readonly head: string; readonly base: string }): Promise<PullRequest | null>;
  /**
   * The most recently closed (not merged) pull request from `head` into `base`, or null: a branch
   * whose pull request someone closed is not offered again until the branch changes.
   */
  findClosedPullRequest(query: { readonly head: string; readonly base: string }): Promise<PullRequest | null>;
  /** Opens one, then applies labels and requests reviewers. */
  createPullRequest(request: NewPullRequest): Promise<PullRequest>;
  /** Title and body only: labels, reviewers and the discussion stay as they are. */
  updatePullRequest(
    number: number,
    update: { readonly title: string; readonly body: string },
  ): Promise<PullRequest>;
  /** Adds labels, keeping those already there. */
  addLabels(number: number, labels: readonly string[]): Promise<void>;
  requestReviewers(number: number, reviewers: readonly string[]): Promise<void>;
}

/** One client per repository and credential; the adapter picks GitHub or GitLab by `target.kind`. */
export type ForgeClientFactory = (target: ForgeTarget, auth: ForgeAuth) => ForgeClient;
