import type { ForgeTarget } from '../../domain/forge-target.ts';
import type { ForgeAuth, ForgeClient, PullRequest } from '../../ports/forge.ts';
import { authorizedRequest } from './authorized-request.ts';
import type { ForgeHttpSettings, ForgeRequest } from './forge-http.ts';
import { GITHUB_API_VERSION, GITHUB_MEDIA_TYPE } from './github-headers.ts';

/**
 * GitHub REST v3 pull requests (docs: "REST API endpoints for pull requests", "…for labels",
 * "…for review requests"): `GET/POST /repos/{owner}/{repo}/pulls`, `PATCH …/pulls/{n}`,
 * `POST …/issues/{n}/labels`, `POST …/pulls/{n}/requested_reviewers`.
 */

interface GitHubPull {
  readonly number: number;
  readonly merged_at?: string | null;
  readonly html_url: string;
  readonly title: string;
  readonly body: string | null;
  readonly head: { readonly ref: string };
  readonly base: { readonly ref: string };
  readonly labels?: readonly { readonly name: string }[];
}

const toPullRequest = (pull: GitHubPull): PullRequest => ({
  number: pull.number,
  url: pull.html_url,
  title: pull.title,
  body: pull.body ?? '',
  head: pull.head.ref,
  base: pull.base.ref,
  labels: (pull.labels ?? []).map((label) => label.name),
});

export const createGitHubClient = (
  target: ForgeTarget,
  auth: ForgeAuth,
  http: ForgeHttpSettings,
): ForgeClient => {
  const [owner = '', repo = ''] = target.project.split('/');
  const repoUrl = `${target.apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  const call = async <T>(method: ForgeRequest['method'], url: string, body?: unknown): Promise<T> => {
    const headers = { Accept: GITHUB_MEDIA_TYPE, 'X-GitHub-Api-Version': GITHUB_API_VERSION };
    const request = { method, url, headers, ...(body !== undefined && { body }) };
    const { json } = await authorizedRequest(
      http,
      auth,
      (c) => ({ Authorization: `Bearer ${c.token}` }),
      request,
    );
    return json as T;
  };

  const addLabels: ForgeClient['addLabels'] = async (number, labels) => {
    if (labels.length === 0) return;
    await call('POST', `${repoUrl}/issues/${number}/labels`, { labels: [...labels] });
  };

  const requestReviewers: ForgeClient['requestReviewers'] = async (number, reviewers) => {
    if (reviewers.length === 0) return;
    // `org/team` names a team; the API takes the team slug separately.
    const users = reviewers.filter((r) => !r.includes('/'));
    const teams = reviewers.filter((r) => r.includes('/')).map((r) => r.slice(r.indexOf('/') + 1));
    await call('POST', `${repoUrl}/pulls/${number}/requested_reviewers`, {
      reviewers: users,
      ...(teams.length > 0 && { team_reviewers: teams }),
    });
  };

  const find = async (state: 'open' | 'closed', head: string, base: string) => {
    // `head` filters by `user:ref-name`; the head branch lives in this repository.
    const query = new URLSearchParams({
      state,
      head: `${owner}:${head}`,
      base,
      sort: 'updated',
      direction: 'desc',
      per_page: '100',
    });
    const pulls = await call<GitHubPull[]>('GET', `${repoUrl}/pulls?${query}`);
    const match = pulls.find((pull) => pull.head.ref === head && pull.base.ref === base && !pull.merged_at);
    return match ? toPullRequest(match) : null;
  };

  return {
    findOpenPullRequest: ({ head, base }) => find('open', head, base),
    findClosedPullRequest: ({ head, base }) => find('closed', head, base),
    async createPullRequest({ head, base, title, body, labels = [], reviewers = [] }) {
      const pull = await call<GitHubPull>('POST', `${repoUrl}/pulls`, {
        title,
        body,
        head,
        base,
      });
      await addLabels(pull.number, labels);
      await requestReviewers(pull.number, reviewers);
      const opened = toPullRequest(pull);
      return { ...opened, labels: [...new Set([...opened.labels, ...labels])] };
    },
    async updatePullRequest(number, { title, body }) {
      return toPullRequest(await call<GitHubPull>('PATCH', `${repoUrl}/pulls/${number}`, { title, body }));
    },
    addLabels,
    requestReviewers,
  };
};
