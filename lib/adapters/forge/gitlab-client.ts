import { InvalidConfigError } from '../../domain/errors.ts';
import type { ForgeTarget } from '../../domain/forge-target.ts';
import type { ForgeAuth, ForgeClient, ForgeCredential, PullRequest } from '../../ports/forge.ts';
import { authorizedRequest } from './authorized-request.ts';
import type { ForgeHttpSettings, ForgeRequest } from './forge-http.ts';

/**
 * GitLab merge requests (docs: "Merge requests API", REST v4): `GET/POST
 * /projects/:id/merge_requests`, `PUT …/merge_requests/:iid` (title, description, `add_labels`,
 * `reviewer_ids`), with `:id` the URL-encoded project path, and `GET /users?username=` to turn
 * reviewer names into the ids the API takes.
 */

interface GitLabMergeRequest {
  readonly iid: number;
  readonly web_url: string;
  readonly title: string;
  readonly description: string | null;
  readonly source_branch: string;
  readonly target_branch: string;
  readonly labels?: readonly string[];
  readonly reviewers?: readonly { readonly id: number }[];
}

const toPullRequest = (mr: GitLabMergeRequest): PullRequest => ({
  number: mr.iid,
  url: mr.web_url,
  title: mr.title,
  body: mr.description ?? '',
  head: mr.source_branch,
  base: mr.target_branch,
  labels: [...(mr.labels ?? [])],
});

const authHeader = (credential: ForgeCredential): Record<string, string> =>
  credential.scheme === 'private-token'
    ? { 'PRIVATE-TOKEN': credential.token }
    : { Authorization: `Bearer ${credential.token}` };

export const createGitLabClient = (
  target: ForgeTarget,
  auth: ForgeAuth,
  http: ForgeHttpSettings,
): ForgeClient => {
  const projectUrl = `${target.apiUrl}/projects/${encodeURIComponent(target.project)}`;
  const call = async <T>(method: ForgeRequest['method'], url: string, body?: unknown): Promise<T> => {
    const request = {
      method,
      url,
      headers: { Accept: 'application/json' },
      ...(body !== undefined && { body }),
    };
    return (await authorizedRequest(http, auth, authHeader, request)).json as T;
  };

  const userIds = async (reviewers: readonly string[]): Promise<number[]> =>
    Promise.all(
      reviewers.map(async (username) => {
        if (username.includes('/'))
          throw new InvalidConfigError(`GitLab has no team reviewers: ${JSON.stringify(username)}`);
        const query = new URLSearchParams({ username });
        const [user] = await call<{ id: number }[]>('GET', `${target.apiUrl}/users?${query}`);
        if (!user) throw new InvalidConfigError(`GitLab user ${JSON.stringify(username)} not found`);
        return user.id;
      }),
    );

  const update = async (iid: number, body: Record<string, unknown>) =>
    call<GitLabMergeRequest>('PUT', `${projectUrl}/merge_requests/${iid}`, body);

  const find = async (state: 'opened' | 'closed', head: string, base: string) => {
    const query = new URLSearchParams({
      state,
      source_branch: head,
      target_branch: base,
      order_by: 'updated_at',
    });
    const found = await call<GitLabMergeRequest[]>('GET', `${projectUrl}/merge_requests?${query}`);
    const match = found.find((mr) => mr.source_branch === head && mr.target_branch === base);
    return match ? toPullRequest(match) : null;
  };

  return {
    findOpenPullRequest: ({ head, base }) => find('opened', head, base),
    findClosedPullRequest: ({ head, base }) => find('closed', head, base),
    async createPullRequest({ head, base, title, body, labels = [], reviewers = [] }) {
      // One call: GitLab takes labels and reviewers on creation.
      const reviewerIds = await userIds(reviewers);
      const mr = await call<GitLabMergeRequest>('POST', `${projectUrl}/merge_requests`, {
        source_branch: head,
        target_branch: base,
        title,
        description: body,
        ...(labels.length > 0 && { labels: labels.join(',') }),
        ...(reviewerIds.length > 0 && { reviewer_ids: reviewerIds }),
      });
      return toPullRequest(mr);
    },
    async updatePullRequest(iid, { title, body }) {
      return toPullRequest(await update(iid, { title, description: body }));
    },
    async addLabels(iid, labels) {
      if (labels.length > 0) await update(iid, { add_labels: labels.join(',') });
    },
    async requestReviewers(iid, reviewers) {
      if (reviewers.length === 0) return;
      // `reviewer_ids` replaces the set: keep the reviewers already there.
      const current = await call<GitLabMergeRequest>('GET', `${projectUrl}/merge_requests/${iid}`);
      const ids = [
        ...new Set([...(current.reviewers ?? []).map((r) => r.id), ...(await userIds(reviewers))]),
      ];
      await update(iid, { reviewer_ids: ids });
    },
  };
};
