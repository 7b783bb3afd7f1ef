import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/peers/free-port.ts';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { type ServeProcess, startServe } from '../../infra/peers/serve-process.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import { distributionReceiver } from '../helpers/distribution-event.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';

const TOKEN = 'e2e-receiver-token';

/** Polls the bare repo until `branch` has more than `count` commits. */
const waitForCommits = async (
  git: GitServer,
  repo: string,
  branch: string,
  count: number,
  timeoutMs = 20_000,
) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await git.gitLog(repo, branch).catch(() => []);
    if (log.length >= count) return log;
    if (Date.now() > deadline)
      throw new Error(`expected ${count} commits on ${repo}/${branch}, have ${log.length}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('serve: a registry push becomes a digest-pinned commit', () => {
  let gitServer: GitServer;
  let registry: RegistryServer;
  let serve: ServeProcess;
  let work: { path: string; remove: () => Promise<void> };
  const repo = 'fleet';

  beforeAll(async () => {
    work = await scratchDir('ia-e2e-');
    gitServer = await startGitServer();
    const servePort = await freePort();
    const notifyUrl = `http://127.0.0.1:${servePort}${hookPath(TOKEN, 'registry', 'apps')}`;
    registry = await startRegistry({
      notify: { url: notifyUrl, headers: { Authorization: [`Bearer ${TOKEN}`] } },
    });
    await gitServer.createRepo(repo, {
      'apps/web/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: apps}
spec:
  template:
    spec:
      containers:
        - name: web
          image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}
`,
      'apps/api/release.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: api, namespace: apps}
spec:
  values:
    image:
      repository: ${registry.host}/team/api # {"$imagepolicy": "apps:api:name"}
      tag: 0.1.0 # {"$imagepolicy": "apps:api:tag"}
      digest: "" # {"$imagepolicy": "apps:api:digest"}
`,
    });
    const configDir = join(work.path, 'config');
    await mkdir(configDir);
    await writeFile(
      join(configDir, 'fleet.yaml'),
      fleetManifests({
        gitUrl: gitServer.url(repo),
        policies: [
          { name: 'web', image: `${registry.host}/team/web`, policy: '>=1.0.0' },
          { name: 'api', image: `${registry.host}/team/api`, policy: '^1.0.0' },
        ],
        extra: distributionReceiver('apps', TOKEN),
      }),
    );
    serve = await startServe({ config: configDir, state: join(work.path, 'state'), port: servePort });
  });

  afterAll(async () => {
    await serve?.stop();
    await Promise.all([registry?.stop(), gitServer?.stop()]);
    await work?.remove();
  });

  it('commits the pushed release pinned to the digest the registry serves', async () => {
    const digest = await pushImage(registry, { repository: 'team/web', tag: '1.2.3' });
    const [head] = await waitForCommits(gitServer, repo, 'main', 2);
    // Flux's default message, then the machine-readable trailer of the update.
    expect(head?.message).toBe(
      `Update from image update automation\n\nImage-Update: apps/web ${registry.host}/team/web 1.0.0 -> 1.2.3@${digest}\n`,
    );
    expect(await gitServer.readFileAt(repo, 'main', 'apps/web/deployment.yaml')).toContain(
      `image: ${registry.host}/team/web:1.2.3@${digest} # {"$imagepolicy": "apps:web"}\n`,
    );
    const pushed = await serve.waitForLog((l) => l.message === 'pushed');
    expect(pushed).toMatchObject({ commit: head?.commit, branch: 'main' });
  });

  it('pins the index digest of a multi-arch push into :name, :tag and :digest markers', async () => {
    const digest = await pushImage(registry, { repository: 'team/api', tag: '1.4.0', mode: 'multi' });
    const before = (await gitServer.gitLog(repo, 'main')).length;
    await waitForCommits(gitServer, repo, 'main', before + 1);
    expect(await gitServer.readFileAt(repo, 'main', 'apps/api/release.yaml')).toContain(
      `      repository: ${registry.host}/team/api # {"$imagepolicy": "apps:api:name"}\n      tag: 1.4.0 # {"$imagepolicy": "apps:api:tag"}\n      digest: "${digest}" # {"$imagepolicy": "apps:api:digest"}\n`,
    );
  });

  it('makes no commit for tags that must not be chosen: a pre-release, latest, a .sig tag', async () => {
    const commits = (await gitServer.gitLog(repo, 'main')).length;
    for (const tag of ['2.0.0-rc.1', 'latest', 'sha256-abc.sig', '9.9.9.sig']) {
      await pushImage(registry, { repository: 'team/web', tag });
    }
    // Wait until serve has handled the events, then check that nothing was committed.
    await serve.waitForLog(
      (l) => l.message === 'repository up-to-date' || l.message === 'no change since last run',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await gitServer.gitLog(repo, 'main')).toHaveLength(commits);
    expect(await gitServer.readFileAt(repo, 'main', 'apps/web/deployment.yaml')).toContain('team/web:1.2.3@');
  });
});
