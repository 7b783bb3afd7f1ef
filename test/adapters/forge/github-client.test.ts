import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../../infra/peers/git-server.ts';
import { createForgeClients } from '../../../lib/adapters/forge/forge-clients.ts';
import { AuthError, InvalidConfigError } from '../../../lib/domain/errors.ts';
import type { ForgeAuth } from '../../../lib/ports/forge.ts';
import { type FakeGitHub, startFakeGitHub } from '../../helpers/fake-github.ts';

const staticAuth = (token: string): ForgeAuth => ({
  renewable: false,
  credential: async () => ({ scheme: 'bearer', token }),
});

describe('GitHub pull requests (REST v3) against a fake that checks the documented requests', () => {
  let gitServer: GitServer;
  let github: FakeGitHub;
  beforeAll(async () => {
    gitServer = await startGitServer();
    await gitServer.createRepo('acme/fleet', { 'app.yaml': 'tag: 1\n' });
    await gitServer.commitFiles(
      'acme/fleet',
      { 'app.yaml': 'tag: 2\n' },
      { branch: 'image-updates', from: 'main' },
    );
    github = await startFakeGitHub({
      gitServer,
      tokens: ['ghp_valid'],
      collaborators: ['alice', 'platform'],
    });
  });
  afterAll(async () => {
    await Promise.all([github?.stop(), gitServer?.stop()]);
  });

  const client = (token = 'ghp_valid') =>
    createForgeClients()({ kind: 'github', apiUrl: github.apiUrl, project: 'acme/fleet' }, staticAuth(token));

  it('finds nothing, opens one with labels and reviewers, then finds and updates that one', async () => {
    const forge = client();
    expect(await forge.findOpenPullRequest({ head: 'image-updates', base: 'main' })).toBeNull();
    const opened = await forge.createPullRequest({
      head: 'image-updates',
      base: 'main',
      title: 'Update web to 1.1.0',
      body: 'body 1',
      labels: ['images', 'automerge'],
      reviewers: ['alice', 'acme/platform'],
    });
    expect(opened).toMatchObject({
      number: 1,
      url: `${github.url}/acme/fleet/pull/1`,
      labels: ['images', 'automerge'],
    });
    expect(github.pulls[0]).toMatchObject({
      labels: ['images', 'automerge'],
      reviewers: ['alice'],
      teams: ['platform'],
    });

    const found = await forge.findOpenPullRequest({ head: 'image-updates', base: 'main' });
    expect(found).toMatchObject({
      number: 1,
      title: 'Update web to 1.1.0',
      body: 'body 1',
      head: 'image-updates',
    });
    const updated = await forge.updatePullRequest(1, { title: 'Update web to 1.2.0', body: 'body 2' });
    expect(updated).toMatchObject({
      number: 1,
      title: 'Update web to 1.2.0',
      labels: ['images', 'automerge'],
    });
    expect(github.pulls).toHaveLength(1);

    const calls = github.requests.map((r) => `${r.method} ${r.url} ${r.status}`);
    expect(calls).toEqual([
      'GET /api/v3/repos/acme/fleet/pulls?state=open&head=acme%3Aimage-updates&base=main&sort=updated&direction=desc&per_page=100 200',
      'POST /api/v3/repos/acme/fleet/pulls 201',
      'POST /api/v3/repos/acme/fleet/issues/1/labels 200',
      'POST /api/v3/repos/acme/fleet/pulls/1/requested_reviewers 201',
      'GET /api/v3/repos/acme/fleet/pulls?state=open&head=acme%3Aimage-updates&base=main&sort=updated&direction=desc&per_page=100 200',
      'PATCH /api/v3/repos/acme/fleet/pulls/1 200',
    ]);
    const [, create, labels, reviewers, , patch] = github.requests;
    expect(create?.body).toEqual({
      title: 'Update web to 1.1.0',
      body: 'body 1',
      head: 'image-updates',
      base: 'main',
    });
    expect(labels?.body).toEqual({ labels: ['images', 'automerge'] });
    expect(reviewers?.body).toEqual({ reviewers: ['alice'], team_reviewers: ['platform'] });
    expect(patch?.body).toEqual({ title: 'Update web to 1.2.0', body: 'body 2' });
    expect(create?.headers).toMatchObject({
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      authorization: 'Bearer ghp_valid',
      'content-type': 'application/json',
    });
  });

  it('turns refusals into the error taxonomy without echoing the token', async () => {
    const refused = await client('ghp_wrong')
      .findOpenPullRequest({ head: 'x', base: 'main' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuthError);
    expect((refused as Error).message).toContain('401 Bad credentials');
    expect((refused as Error).message).not.toContain('ghp_wrong');

    const notCollaborator = await client()
      .requestReviewers(1, ['mallory'])
      .catch((e: unknown) => e);
    expect(notCollaborator).toBeInstanceOf(InvalidConfigError);
    expect((notCollaborator as Error).message).toContain('Reviews may only be requested from collaborators');

    const missingHead = await client()
      .createPullRequest({ head: 'no-such-branch', base: 'main', title: 't', body: 'b' })
      .catch((e: unknown) => e);
    expect((missingHead as Error).message).toMatch(/422 Validation Failed; head is invalid/);
  });
});
