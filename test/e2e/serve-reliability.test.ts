import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/peers/free-port.ts';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { type ServeProcess, startServe } from '../../infra/peers/serve-process.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';

const TOKEN = 'reliability-token';
const HMAC_TOKEN = 'hmac-token';

/**
 * The registry here does not notify: the tests post Distribution notifications themselves, to
 * control timing (bursts, replays, crashes) exactly. Tags and digests still come from the registry.
 */
describe('serve: bursts, replays, refusals, concurrent writers and crashes', () => {
  let gitServer: GitServer;
  let registry: RegistryServer;
  let work: { path: string; remove: () => Promise<void> };
  let configDir: string;
  let port: number;
  const images = Array.from({ length: 20 }, (_, i) => `team/svc-${i}`);

  beforeAll(async () => {
    work = await scratchDir('ia-e2e-rel-');
    [gitServer, registry] = await Promise.all([startGitServer(), startRegistry()]);
    port = await freePort();
    const files: Record<string, string> = {};
    for (const image of images) {
      files[`apps/${image.split('/')[1]}.yaml`] =
        `image: ${registry.host}/${image}:1.0.0 # {"$imagepolicy": "apps:${image.split('/')[1]}"}\n`;
    }
    await gitServer.createRepo('fleet', files);
    configDir = join(work.path, 'config');
    await mkdir(configDir);
    await writeFile(
      join(configDir, 'fleet.yaml'),
      fleetManifests({
        gitUrl: gitServer.url('fleet'),
        policies: images.map((image) => ({
          name: image.split('/')[1] as string,
          image: `${registry.host}/${image}`,
        })),
        extra: [
          'apiVersion: v1\nkind: Secret\nmetadata: {name: hook, namespace: apps}\nstringData: {token: reliability-token}',
          'apiVersion: v1\nkind: Secret\nmetadata: {name: hmac, namespace: apps}\nstringData: {token: hmac-token}',
          `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: registry, namespace: apps}
spec:
  type: distribution
  secretRef: {name: hook}
  resources: [{kind: ImageRepository, name: "*", matchLabels: {}}]`,
          `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: signed, namespace: apps}
spec:
  type: generic-hmac
  secretRef: {name: hmac}
  resources: [{kind: ImageRepository, name: svc-0}]`,
        ],
      }),
    );
  });

  afterAll(async () => {
    await Promise.all([registry?.stop(), gitServer?.stop()]);
    await work?.remove();
  });

  const notification = (repository: string, tag: string, id: string) =>
    JSON.stringify({
      events: [
        {
          id,
          timestamp: new Date().toISOString(),
          action: 'push',
          target: {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            repository,
            tag,
            digest: 'sha256:00',
            url: `http://${registry.host}/v2/${repository}/manifests/${tag}`,
          },
          request: { host: registry.host, method: 'PUT' },
        },
      ],
    });

  const post = (serve: ServeProcess, path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${serve.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', ...headers },
      body,
    });
  const distributionPath = hookPath(TOKEN, 'registry', 'apps');

  const withServe = async (state: string, body: (serve: ServeProcess) => Promise<void>) => {
    const serve = await startServe({ config: configDir, state: join(work.path, state), port });
    try {
      await body(serve);
    } finally {
      await serve.stop();
    }
  };

  it('applies a burst of 20 pushes in fewer commits than pushes, losing none', async () => {
    const digests = await Promise.all(
      images.map((image) => pushImage(registry, { repository: image, tag: '1.1.0' })),
    );
    await withServe('burst', async (serve) => {
      const answers = await Promise.all(
        images.map((image, i) => post(serve, distributionPath, notification(image, '1.1.0', `burst-${i}`))),
      );
      expect(answers.map((a) => a.status)).toEqual(images.map(() => 202));
      await serve.waitIdle();
    });
    const log = await gitServer.gitLog('fleet', 'main');
    const commits = log.length - 1;
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThan(images.length);
    for (const [i, image] of images.entries()) {
      expect(await gitServer.readFileAt('fleet', 'main', `apps/${image.split('/')[1]}.yaml`)).toContain(
        `${image}:1.1.0@${digests[i]}`,
      );
    }
  });

  it('answers a replayed delivery 202 and makes no second commit', async () => {
    await pushImage(registry, { repository: 'team/svc-1', tag: '1.2.0' });
    await withServe('replay', async (serve) => {
      const body = notification('team/svc-1', '1.2.0', 'replayed-delivery');
      expect((await post(serve, distributionPath, body)).status).toBe(202);
      await serve.waitIdle();
      const commits = (await gitServer.gitLog('fleet', 'main')).length;
      const replay = await post(serve, distributionPath, body);
      expect(replay.status).toBe(202);
      expect(await replay.json()).toMatchObject({ accepted: 0, duplicates: 1, queued: 0 });
      await serve.waitIdle();
      expect(await gitServer.gitLog('fleet', 'main')).toHaveLength(commits);
    });
  });

  it('refuses a wrong path, a bad signature and a malformed payload: nothing queued, no commit', async () => {
    await pushImage(registry, { repository: 'team/svc-0', tag: '1.3.0' });
    const commits = (await gitServer.gitLog('fleet', 'main')).length;
    await withServe('refusals', async (serve) => {
      const wrongPath = await post(
        serve,
        `/hook/${'0'.repeat(64)}`,
        notification('team/svc-0', '1.3.0', 'x1'),
      );
      expect(wrongPath.status).toBe(404);
      const badSignature = await post(serve, hookPath(HMAC_TOKEN, 'signed', 'apps'), '{}', {
        'x-signature': 'sha256=deadbeef',
        'content-type': 'application/json',
      });
      expect(badSignature.status).toBe(401);
      const badBearer = await post(serve, distributionPath, notification('team/svc-0', '1.3.0', 'x2'), {
        authorization: 'Bearer wrong',
      });
      expect(badBearer.status).toBe(401);
      const malformed = await post(serve, distributionPath, '{"events": [');
      expect(malformed.status).toBe(400);
      const health = (await (await fetch(`${serve.url}/healthz`)).json()) as {
        queued: number;
        idle: boolean;
      };
      expect(health).toMatchObject({ queued: 0, idle: true });
      expect(serve.logs().filter((l) => l.message === 'event queued')).toEqual([]);
    });
    expect(await gitServer.gitLog('fleet', 'main')).toHaveLength(commits);
  });

  it('lands both changes when another writer pushes between our clone and our push', async () => {
    await pushImage(registry, { repository: 'team/svc-2', tag: '1.4.0' });
    await withServe('race', async (serve) => {
      const gate = gitServer.holdReceivePack();
      expect(
        (await post(serve, distributionPath, notification('team/svc-2', '1.4.0', 'race-1'))).status,
      ).toBe(202);
      await gate.arrived;
      await gitServer.commitFiles('fleet', { 'NOTES.md': 'a human was here\n' }, { branch: 'main' });
      gate.release();
      await serve.waitIdle();
    });
    expect(await gitServer.readFileAt('fleet', 'main', 'NOTES.md')).toBe('a human was here\n');
    expect(await gitServer.readFileAt('fleet', 'main', 'apps/svc-2.yaml')).toContain('svc-2:1.4.0@');
  });

  it('commits exactly once after being killed between answering 202 and pushing', async () => {
    await pushImage(registry, { repository: 'team/svc-3', tag: '1.5.0' });
    const commits = (await gitServer.gitLog('fleet', 'main')).length;
    const state = join(work.path, 'crash');
    const gate = gitServer.holdReceivePack();
    const first = await startServe({ config: configDir, state, port });
    expect((await post(first, distributionPath, notification('team/svc-3', '1.5.0', 'crash-1'))).status).toBe(
      202,
    );
    await gate.arrived; // the commit is made and about to be pushed
    await first.stop('SIGKILL');
    gate.release();
    expect(await readdir(join(state, 'queue', 'pending'))).toHaveLength(1);
    await withServe('crash', async (serve) => {
      await serve.waitForLog((l) => l.message === 'resuming queued work');
      await serve.waitIdle();
    });
    const log = await gitServer.gitLog('fleet', 'main');
    expect(log).toHaveLength(commits + 1);
    expect(await gitServer.readFileAt('fleet', 'main', 'apps/svc-3.yaml')).toContain('svc-3:1.5.0@');
    expect(await readdir(join(state, 'queue', 'pending'))).toEqual([]);
  });
});
