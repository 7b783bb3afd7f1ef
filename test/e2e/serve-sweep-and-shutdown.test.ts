import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/peers/free-port.ts';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { startServe } from '../../infra/peers/serve-process.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';

/** Polls until `check` holds. */
const eventually = async (check: () => Promise<boolean>, what: string, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('serve: sweeps heal missed webhooks; shutdown finishes the work in flight', () => {
  let gitServer: GitServer;
  let registry: RegistryServer;
  let work: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    work = await scratchDir('ia-e2e-sweep-');
    // This registry sends no notifications at all: every webhook is "missed".
    [gitServer, registry] = await Promise.all([startGitServer(), startRegistry()]);
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), gitServer?.stop()]);
    await work?.remove();
  });

  const configure = async (name: string, interval: string) => {
    await gitServer.createRepo(name, {
      'app.yaml': `image: ${registry.host}/team/${name}:1.0.0 # {"$imagepolicy": "apps:app"}\n`,
    });
    const dir = join(work.path, `${name}-config`);
    await mkdir(dir);
    const manifests = fleetManifests({
      gitUrl: gitServer.url(name),
      policies: [{ name: 'app', image: `${registry.host}/team/${name}` }],
    })
      .replace('interval: 1h', `interval: ${interval}`)
      .concat(
        '---\napiVersion: v1\nkind: Secret\nmetadata: {name: hook, namespace: apps}\nstringData: {token: t}\n---\napiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata: {name: generic, namespace: apps}\nspec:\n  type: generic\n  secretRef: {name: hook}\n  resources: [{kind: ImageRepository, name: app}]\n',
      );
    await writeFile(join(dir, 'fleet.yaml'), manifests);
    return dir;
  };

  it('commits a push nobody announced once the repository interval elapses', async () => {
    const config = await configure('healed', '2s');
    await pushImage(registry, { repository: 'team/healed', tag: '1.0.0' });
    const serve = await startServe({
      config,
      state: join(work.path, 'healed-state'),
      port: await freePort(),
      sweepSeconds: 1,
    });
    try {
      // First sweep: the policy resolves to 1.0.0 and pins its digest.
      await eventually(
        async () => (await gitServer.gitLog('healed', 'main')).length === 2,
        'first sweep commit',
      );
      const digest = await pushImage(registry, { repository: 'team/healed', tag: '1.1.0' });
      await eventually(
        async () =>
          (await gitServer.readFileAt('healed', 'main', 'app.yaml')).includes(`team/healed:1.1.0@${digest}`),
        'the sweep to find 1.1.0',
      );
    } finally {
      await serve.stop();
    }
  });

  it('on SIGTERM, stops accepting and finishes the run in flight before exiting', async () => {
    const config = await configure('graceful', '1h');
    const digest = await pushImage(registry, { repository: 'team/graceful', tag: '1.2.0' });
    const state = join(work.path, 'graceful-state');
    const serve = await startServe({ config, state, port: await freePort() });
    const gate = gitServer.holdReceivePack();
    const answer = await fetch(`${serve.url}${hookPath('t', 'generic', 'apps')}`, {
      method: 'POST',
      body: '{}',
    });
    expect(answer.status).toBe(202);
    await gate.arrived;
    const exiting = serve.stop('SIGTERM');
    // While it drains, new requests are no longer accepted.
    await eventually(
      async () =>
        fetch(`${serve.url}/healthz`).then(
          () => false,
          () => true,
        ),
      'the listener to close',
      5000,
    );
    gate.release();
    expect(await exiting).toBe(0);
    expect(await gitServer.readFileAt('graceful', 'main', 'app.yaml')).toContain(
      `team/graceful:1.2.0@${digest}`,
    );
    expect(await readdir(join(state, 'queue', 'pending'))).toEqual([]);
  });
});
