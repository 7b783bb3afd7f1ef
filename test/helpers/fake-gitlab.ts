import type { GitServer } from '../../infra/peers/git-server.ts';
import {
  basicCredentials,
  type FakeForgeServer,
  type ForgeExchange,
  startFakeForgeServer,
  unknownKeys,
} from './fake-forge-server.ts';

/**
 * A GitLab (REST v4 under `/api/v4`, Git under `/<group>/<project>.git`) that checks merge-request
 * calls as the docs describe them: `PRIVATE-TOKEN` or `Authorization: Bearer`, `:id` as the
 * URL-encoded project path, JSON bodies with the documented attributes only; answers with the
 * documented shapes (`iid`, `web_url`, labels as names) and errors (`{"message": "401 Unauthorized"}`,
 * `404 Project Not Found`, 409 for a second open MR from the same source branch).
 */

export interface FakeGitLabOptions {
  readonly gitServer: GitServer;
  readonly tokens: readonly string[];
  /** Users `GET /users?username=` finds. */
  readonly users?: readonly { readonly id: number; readonly username: string }[];
}

export interface FakeMergeRequest {
  iid: number;
  title: string;
  description: string;
  source_branch: string;
  target_branch: string;
  state: 'opened' | 'closed' | 'merged';
  labels: string[];
  reviewer_ids: number[];
  project: string;
}

export interface FakeGitLab extends FakeForgeServer {
  readonly apiUrl: string;
  gitUrl(project: string): string;
  readonly mergeRequests: FakeMergeRequest[];
}

const API_PREFIX = '/api/v4';
const MR_ATTRIBUTES = [
  'source_branch',
  'target_branch',
  'title',
  'description',
  'labels',
  'reviewer_ids',
  'assignee_ids',
  'remove_source_branch',
  'squash',
];
const UPDATE_ATTRIBUTES = [
  'title',
  'description',
  'labels',
  'add_labels',
  'remove_labels',
  'reviewer_ids',
  'state_event',
  'target_branch',
];

export const startFakeGitLab = async (options: FakeGitLabOptions): Promise<FakeGitLab> => {
  const mergeRequests: FakeMergeRequest[] = [];
  const tokens = new Set(options.tokens);
  let base = '';
  const mrJson = (mr: FakeMergeRequest) => ({
    id: 5000 + mr.iid,
    iid: mr.iid,
    project_id: 42,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    source_branch: mr.source_branch,
    target_branch: mr.target_branch,
    labels: mr.labels,
    reviewers: mr.reviewer_ids.map((id) => ({
      id,
      username: options.users?.find((u) => u.id === id)?.username,
    })),
    web_url: `${base}/${mr.project}/-/merge_requests/${mr.iid}`,
  });
  const labelList = (value: unknown): string[] =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean)
      : [];

  const api = async ({ req, url, body, reply }: ForgeExchange) => {
    const token = req.headers['private-token'] ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (typeof token !== 'string' || !tokens.has(token)) return reply(401, { message: '401 Unauthorized' });
    const raw = (req.url ?? '').split('?')[0] ?? '';
    if (!raw.startsWith(API_PREFIX)) return reply(404, { error: '404 Not Found' });
    const path = raw.slice(API_PREFIX.length);
    if (req.method !== 'GET' && req.headers['content-type'] !== 'application/json')
      return reply(415, { message: '415 Unsupported Media Type' });
    if (path === '/users' && req.method === 'GET') {
      const username = url.searchParams.get('username');
      return reply(
        200,
        (options.users ?? []).filter((u) => u.username === username).map((u) => ({ ...u, state: 'active' })),
      );
    }
    // `:id` must be the URL-encoded path: `group%2Fproject`, never a raw slash.
    const route = /^\/projects\/([^/]+)\/merge_requests(?:\/(\d+))?$/.exec(path);
    if (!route) return reply(404, { error: '404 Not Found' });
    const project = decodeURIComponent(route[1] ?? '');
    const known = await options.gitServer
      .git(project, ['rev-parse', '--git-dir'])
      .then(() => true)
      .catch(() => false);
    if (!known) return reply(404, { message: '404 Project Not Found' });
    const iid = route[2] ? Number(route[2]) : undefined;
    const mr =
      iid === undefined ? undefined : mergeRequests.find((m) => m.project === project && m.iid === iid);
    if (iid !== undefined && !mr) return reply(404, { message: '404 Not found' });
    const fields = (body ?? {}) as Record<string, unknown>;

    if (iid === undefined && req.method === 'GET') {
      const state = url.searchParams.get('state') ?? 'all';
      const source = url.searchParams.get('source_branch');
      const target = url.searchParams.get('target_branch');
      return reply(
        200,
        mergeRequests
          .filter((m) => m.project === project && (state === 'all' || m.state === state))
          .filter((m) => (!source || m.source_branch === source) && (!target || m.target_branch === target))
          .map(mrJson),
      );
    }
    if (iid === undefined && req.method === 'POST') {
      const extra = unknownKeys(body, MR_ATTRIBUTES);
      if (extra.length > 0) return reply(400, { error: `${extra.join(', ')} does not have a valid value` });
      for (const key of ['source_branch', 'target_branch', 'title'])
        if (typeof fields[key] !== 'string' || fields[key] === '')
          return reply(400, { error: `${key} is missing` });
      if (
        fields.reviewer_ids !== undefined &&
        !(Array.isArray(fields.reviewer_ids) && fields.reviewer_ids.every(Number.isInteger))
      )
        return reply(400, { error: 'reviewer_ids is invalid' });
      const source = String(fields.source_branch);
      const duplicate = mergeRequests.find(
        (m) =>
          m.project === project &&
          m.state === 'opened' &&
          m.source_branch === source &&
          m.target_branch === fields.target_branch,
      );
      if (duplicate)
        return reply(409, {
          message: [`Another open merge request already exists for this source branch: !${duplicate.iid}`],
        });
      const created: FakeMergeRequest = {
        iid: mergeRequests.filter((m) => m.project === project).length + 1,
        title: String(fields.title),
        description: typeof fields.description === 'string' ? fields.description : '',
        source_branch: source,
        target_branch: String(fields.target_branch),
        state: 'opened',
        labels: labelList(fields.labels),
        reviewer_ids: (fields.reviewer_ids as number[] | undefined) ?? [],
        project,
      };
      mergeRequests.push(created);
      return reply(201, mrJson(created));
    }
    if (mr && req.method === 'GET') return reply(200, mrJson(mr));
    if (mr && req.method === 'PUT') {
      const extra = unknownKeys(body, UPDATE_ATTRIBUTES);
      if (extra.length > 0) return reply(400, { error: `${extra.join(', ')} does not have a valid value` });
      if (Object.keys(fields).length === 0)
        return reply(400, {
          error: 'title, description, … are missing, at least one parameter must be provided',
        });
      if (typeof fields.title === 'string') mr.title = fields.title;
      if (typeof fields.description === 'string') mr.description = fields.description;
      if (fields.labels !== undefined) mr.labels = labelList(fields.labels);
      if (fields.add_labels !== undefined)
        mr.labels = [...new Set([...mr.labels, ...labelList(fields.add_labels)])];
      if (Array.isArray(fields.reviewer_ids)) mr.reviewer_ids = fields.reviewer_ids as number[];
      return reply(200, mrJson(mr));
    }
    return reply(405, { message: '405 Method Not Allowed' });
  };

  const server = await startFakeForgeServer({
    gitServer: options.gitServer,
    // GitLab takes any user name with a token as the password (`oauth2:<token>` by convention).
    gitAuth: (authorization) => tokens.has(basicCredentials(authorization)?.[1] ?? ''),
    api,
  });
  base = server.url;
  return {
    ...server,
    apiUrl: `${server.url}${API_PREFIX}`,
    gitUrl: (project) => `${server.url}/${project}.git`,
    mergeRequests,
  };
};
