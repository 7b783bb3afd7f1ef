import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { createIsomorphicGitClient } from '../../lib/adapters/git/isomorphic-git-client.ts';
import { createOciRegistryClient } from '../../lib/adapters/registry/oci-distribution-client.ts';
import { createMemoryStateStore } from '../../lib/adapters/state/memory-state-store.ts';
import { createOverlayStateStore } from '../../lib/adapters/state/overlay-state-store.ts';
import { reconcileAutomation } from '../../lib/app/reconcile-automation.ts';
import type { ReconcileRequest } from '../../lib/domain/work.ts';
import { silentLogger } from '../../lib/ports/logger.ts';
import type { StateStore } from '../../lib/ports/state-store.ts';
import { type FleetOptions, fleetConfig } from '../helpers/fleet-config.ts';

const noSecrets = { getSecret: async () => undefined };
const clock = { now: () => new Date('2026-11-21T10:00:00Z') };

describe('reconcileAutomation against a real registry and Git server', () => {
  let registry: RegistryServer;
  let gitServer: GitServer;
  const digests = new Map<string, string>();
  beforeAll(async () => {
    [registry, gitServer] = await Promise.all([startRegistry(), startGitServer()]);
    for (const tag of ['1.0.0', '1.1.0', '1.2.0-rc.1', 'latest']) {
      digests.set(tag, await pushImage(registry, { repository: 'team/web', tag }));
    }
    digests.set('2.0.0', await pushImage(registry, { repository: 'team/api', tag: '2.0.0', mode: 'multi' }));
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), gitServer?.stop()]);
  });

  const setup = async (repo: string, files: Record<string, string>, options: Partial<FleetOptions> = {}) => {
    await gitServer.createRepo(repo, files);
    const config = fleetConfig({
      gitUrl: gitServer.url(repo),
      policies: [
        { name: 'web', image: `${registry.host}/team/web` },
        { name: 'api', image: `${registry.host}/team/api` },
      ],
      ...options,
    });
    const state = createMemoryStateStore();
    const deps = (s: StateStore = state) => ({
      config,
      registry: createOciRegistryClient(),
      git: createIsomorphicGitClient(),
      state: s,
      secrets: noSecrets,
      clock,
      logger: silentLogger,
    });
    return { deps, state };
  };

  const request = (repositories: string[] = []): ReconcileRequest => ({
    automation: 'apps/fleet',
    repositories,
    reason: 'event',
    deliveryIds: ['d1'],
    triggeredAt: '2026-11-21T10:00:00.000Z',
  });

  it('pins the newest release by its digest (the index digest for multi-arch), changing only the marked values', async () => {
    const { deps, state } = await setup('pin', {
      'apps/web.yaml': `spec:\n  image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n  replicas: 2 # keep\n`,
      'apps/api.yaml': `api:\n  tag: "0.9.0" # {"$imagepolicy": "apps:api:tag"}\n  digest: '' # {"$imagepolicy": "apps:api:digest"}\n`,
      'README.md': '# fleet\n',
    });
    const outcome = await reconcileAutomation(deps(), request());
    expect(outcome.kind).toBe('pushed');
    expect(await gitServer.readFileAt('pin', 'main', 'apps/web.yaml')).toBe(
      `spec:\n  image: ${registry.host}/team/web:1.1.0@${digests.get('1.1.0')} # {"$imagepolicy": "apps:web"}\n  replicas: 2 # keep\n`,
    );
    expect(await gitServer.readFileAt('pin', 'main', 'apps/api.yaml')).toBe(
      `api:\n  tag: "2.0.0" # {"$imagepolicy": "apps:api:tag"}\n  digest: '${digests.get('2.0.0')}' # {"$imagepolicy": "apps:api:digest"}\n`,
    );
    const [head] = await gitServer.gitLog('pin', 'main');
    expect(head).toMatchObject({
      authorName: 'Image Bot',
      authorEmail: 'bot@example.com',
      // The Flux default message verbatim, then one machine-readable trailer per image.
      message: [
        'Update from image update automation',
        '',
        `Image-Update: apps/api ${registry.host}/team/api 0.9.0 -> 2.0.0@${digests.get('2.0.0')}`,
        `Image-Update: apps/web ${registry.host}/team/web 1.0.0 -> 1.1.0@${digests.get('1.1.0')}`,
        '',
      ].join('\n'),
    });
    const status = (await state.read('automation', 'apps/fleet'))?.value;
    expect(status).toMatchObject({
      lastPushCommit: head?.commit,
      lastPushBranch: 'main',
      observedSourceRevision: `main@sha1:${head?.commit}`,
    });
    expect(status?.observedPolicies?.web).toEqual({
      name: `${registry.host}/team/web`,
      tag: '1.1.0',
      digest: digests.get('1.1.0'),
    });
    expect((await state.read('policy', 'apps/web'))?.value.latestRef?.tag).toBe('1.1.0');
    expect((await state.read('repository', `${registry.host}/team/web`))?.value).toMatchObject({
      tagCount: 4,
    });
  });

  it('skips the clone on a second run with nothing new, and makes no commit', async () => {
    const { deps } = await setup('skip', {
      'web.yaml': `image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
    });
    expect((await reconcileAutomation(deps(), request())).kind).toBe('pushed');
    const commits = (await gitServer.gitLog('skip', 'main')).length;
    const before = gitServer.requests.length;
    const second = await reconcileAutomation(deps(), request());
    expect(second).toMatchObject({ kind: 'up-to-date', reason: 'no change since last run' });
    expect(gitServer.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
    expect(await gitServer.gitLog('skip', 'main')).toHaveLength(commits);
  });

  it('makes no commit when every marker is already current', async () => {
    const { deps } = await setup('current', {
      'web.yaml': `image: ${registry.host}/team/web:1.1.0@${digests.get('1.1.0')} # {"$imagepolicy": "apps:web"}\n`,
    });
    const outcome = await reconcileAutomation(deps(), request());
    expect(outcome).toMatchObject({ kind: 'up-to-date', reason: 'no marker needed a change' });
    expect(await gitServer.gitLog('current', 'main')).toHaveLength(1);
  });

  it('dry-run returns the diff and writes nothing: no commit, no state', async () => {
    const { deps, state } = await setup('dry', {
      'web.yaml': `image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
    });
    const outcome = await reconcileAutomation(deps(createOverlayStateStore(state)), request(), {
      dryRun: true,
    });
    expect(outcome.kind).toBe('dry-run');
    if (outcome.kind !== 'dry-run') return;
    expect(outcome.diffs).toEqual([
      {
        file: 'web.yaml',
        diff: `--- a/web.yaml\n+++ b/web.yaml\n@@ -1,1 +1,1 @@\n-image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n+image: ${registry.host}/team/web:1.1.0@${digests.get('1.1.0')} # {"$imagepolicy": "apps:web"}\n`,
      },
    ]);
    expect(await gitServer.gitLog('dry', 'main')).toHaveLength(1);
    expect(await state.list('policy')).toEqual([]);
    expect(await state.list('automation')).toEqual([]);
  });

  it('honours update.path and a push branch that differs from the checkout branch', async () => {
    const { deps } = await setup(
      'paths',
      {
        'clusters/prod/web.yaml': `image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
        'clusters/staging/web.yaml': `image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
      },
      { updatePath: './clusters/prod', pushBranch: 'image-updates' },
    );
    const outcome = await reconcileAutomation(deps(), request());
    expect(outcome).toMatchObject({ kind: 'pushed', branch: 'image-updates' });
    expect(await gitServer.readFileAt('paths', 'image-updates', 'clusters/prod/web.yaml')).toContain(
      'team/web:1.1.0@',
    );
    expect(await gitServer.readFileAt('paths', 'image-updates', 'clusters/staging/web.yaml')).toContain(
      'team/web:1.0.0 ',
    );
    expect(await gitServer.readFileAt('paths', 'main', 'clusters/prod/web.yaml')).toContain(
      'team/web:1.0.0 ',
    );
  });

  it('records a policy that selects nothing and keeps going with the others', async () => {
    const { deps, state } = await setup(
      'nothing',
      { 'web.yaml': `image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n` },
      { policies: [{ name: 'web', image: `${registry.host}/team/web`, policy: '>=5.0.0' }] },
    );
    const outcome = await reconcileAutomation(deps(), request());
    expect(outcome).toMatchObject({ kind: 'up-to-date' });
    expect((await state.read('policy', 'apps/web'))?.value.lastError).toMatchObject({
      code: 'NotFound',
      message: expect.stringContaining('no tag selected'),
    });
    expect(await gitServer.gitLog('nothing', 'main')).toHaveLength(1);
  });
});
