import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../../infra/peers/git-server.ts';
import { createForgeClients } from '../../../lib/adapters/forge/forge-clients.ts';
import { AuthError, ConflictError, InvalidConfigError } from '../../../lib/domain/errors.ts';
import type { ForgeCredential } from '../../../lib/ports/forge.ts';
import { type FakeGitLab, startFakeGitLab } from '../../helpers/fake-gitlab.ts';
import { startStubRegistry } from '../registry/stub-registry.ts';

describe('GitLab merge requests (REST v4) against a fake that checks the documented requests', () => {
  let gitServer: GitServer;
  let gitlab: FakeGitLab;
  beforeAll(async () => {
    gitServer = await startGitServer();
    await gitServer.createRepo('platform/deploy/fleet', { 'app.yaml': 'tag: 1\n' });
    gitlab = await startFakeGitLab({
      gitServer,
      tokens: ['glpat-valid'],
      users: [
        { id: 7, username: 'alice' },
        { id: 9, username: 'bob' },
      ],
    });
  });
  afterAll(async () => {
    await Promise.all([gitlab?.stop(), gitServer?.stop()]);
  });

  const client = (credential: ForgeCredential) =>
    createForgeClients()(
      { kind: 'gitlab', apiUrl: gitlab.apiUrl, project: 'platform/deploy/fleet' },
      { renewable: false, credential: async () => credential },
    );

  it('opens one merge request with labels and reviewer ids, finds it by source branch and updates it', async () => {
    const forge = client({ scheme: 'private-token', token: 'glpat-valid' });
    expect(await forge.findOpenPullRequest({ head: 'image-updates', base: 'main' })).toBeNull();
    const opened = await forge.createPullRequest({
      head: 'image-updates',
      base: 'main',
      title: 'Update web to 1.1.0',
      body: 'body',
      labels: ['images', 'deps'],
      reviewers: ['alice', 'bob'],
    });
    expect(opened).toMatchObject({
      number: 1,
      url: `${gitlab.url}/platform/deploy/fleet/-/merge_requests/1`,
      labels: ['images', 'deps'],
    });
    const again = client({ scheme: 'bearer', token: 'glpat-valid' });
    expect(await again.findOpenPullRequest({ head: 'image-updates', base: 'main' })).toMatchObject({
      number: 1,
    });
    await again.updatePullRequest(1, { title: 'Update web to 1.2.0', body: 'body 2' });
    await again.addLabels(1, ['security']);
    expect(gitlab.mergeRequests).toEqual([
      expect.objectContaining({
        iid: 1,
        title: 'Update web to 1.2.0',
        description: 'body 2',
        labels: ['images', 'deps', 'security'],
        reviewer_ids: [7, 9],
      }),
    ]);
    const calls = gitlab.requests.map((r) => `${r.method} ${r.url} ${r.status}`);
    expect(calls).toEqual([
      'GET /api/v4/projects/platform%2Fdeploy%2Ffleet/merge_requests?state=opened&source_branch=image-updates&target_branch=main&order_by=updated_at 200',
      'GET /api/v4/users?username=alice 200',
      'GET /api/v4/users?username=bob 200',
      'POST /api/v4/projects/platform%2Fdeploy%2Ffleet/merge_requests 201',
      'GET /api/v4/projects/platform%2Fdeploy%2Ffleet/merge_requests?state=opened&source_branch=image-updates&target_branch=main&order_by=updated_at 200',
      'PUT /api/v4/projects/platform%2Fdeploy%2Ffleet/merge_requests/1 200',
      'PUT /api/v4/projects/platform%2Fdeploy%2Ffleet/merge_requests/1 200',
    ]);
    expect(gitlab.requests[3]?.body).toEqual({
      source_branch: 'image-updates',
      target_branch: 'main',
      title: 'Update web to 1.1.0',
      description: 'body',
      labels: 'images,deps',
      reviewer_ids: [7, 9],
    });
    expect(gitlab.requests[3]?.headers['private-token']).toBe('glpat-valid');
    expect(gitlab.requests[4]?.headers.authorization).toBe('Bearer glpat-valid');
    expect(gitlab.requests[5]?.body).toEqual({ title: 'Update web to 1.2.0', description: 'body 2' });
    expect(gitlab.requests[6]?.body).toEqual({ add_labels: 'security' });

    const second = await forge
      .createPullRequest({ head: 'image-updates', base: 'main', title: 't', body: 'b' })
      .catch((e: unknown) => e);
    expect(second).toBeInstanceOf(ConflictError);
    expect((second as Error).message).toContain('Another open merge request already exists');
  });

  it('reports a refused token and an unknown reviewer', async () => {
    const refused = await client({ scheme: 'private-token', token: 'nope' })
      .findOpenPullRequest({ head: 'x', base: 'main' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuthError);
    expect((refused as Error).message).toContain('401 401 Unauthorized');
    const unknown = await client({ scheme: 'private-token', token: 'glpat-valid' })
      .createPullRequest({ head: 'h', base: 'main', title: 't', body: 'b', reviewers: ['mallory'] })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(InvalidConfigError);
    expect((unknown as Error).message).toBe('GitLab user "mallory" not found');
  });
});

describe('GitLab redirects (issue 10 item 7)', () => {
  it('follows no redirect: the PRIVATE-TOKEN never reaches the origin a redirect names', async () => {
    const elsewhere = await startStubRegistry((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('[]');
    });
    const forgeHost = await startStubRegistry((request, response) => {
      response.writeHead(302, { location: `${elsewhere.url}${request.url}` });
      response.end();
    });
    try {
      const forge = createForgeClients()(
        { kind: 'gitlab', apiUrl: `${forgeHost.url}/api/v4`, project: 'platform/deploy/fleet' },
        { renewable: false, credential: async () => ({ scheme: 'private-token', token: 'glpat-valid' }) },
      );
      const error = await forge.findOpenPullRequest({ head: 'image-updates', base: 'main' }).catch((e) => e);
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect(error.message).toContain(`302 redirect to ${elsewhere.url}; redirects are not followed`);
      expect(forgeHost.requests[0]?.headers['private-token']).toBe('glpat-valid');
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await Promise.all([forgeHost.stop(), elsewhere.stop()]);
    }
  });
});
