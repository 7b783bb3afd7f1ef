import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { signatureHeader } from '../../lib/adapters/notify/webhook.ts';
import { main } from '../../lib/local/cli.ts';
import { recordingIo } from '../helpers/cli-io.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { refusedUrl, startNotificationSink } from '../helpers/notification-sink.ts';

/** The local composition root wires notifications around every real run (CLI reconcile and serve's queue). */
describe('notifications from local mode, against a real registry and Git server', () => {
  let registry: RegistryServer;
  let gitServer: GitServer;
  let sink: Awaited<ReturnType<typeof startNotificationSink>>;
  let work: { path: string; remove: () => Promise<void> };
  let digest = '';

  beforeAll(async () => {
    [registry, gitServer, sink, work] = await Promise.all([
      startRegistry(),
      startGitServer(),
      startNotificationSink(),
      scratchDir('ia-notify-'),
    ]);
    digest = await pushImage(registry, { repository: 'team/web', tag: '1.1.0' });
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), gitServer?.stop(), sink?.stop(), work?.remove()]);
  });

  const setup = async (repo: string, secret: Record<string, string>) => {
    await gitServer.createRepo(repo, {
      'web.yaml': `image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
    });
    const config = join(work.path, `${repo}.yaml`);
    await writeFile(
      config,
      fleetManifests({
        gitUrl: gitServer.url(repo),
        policies: [{ name: 'web', image: `${registry.host}/team/web` }],
        extra: [
          `apiVersion: v1\nkind: Secret\nmetadata: {name: notify, namespace: apps}\nstringData: ${JSON.stringify(secret)}`,
        ],
      }).replace(
        'kind: ImageUpdateAutomation\nmetadata: {name: fleet, namespace: apps}',
        'kind: ImageUpdateAutomation\nmetadata:\n  name: fleet\n  namespace: apps\n  annotations: {image-automation.io/notify-secret: notify}',
      ),
    );
    return config;
  };

  it('posts a signed notification naming the commit that landed', async () => {
    const config = await setup('notified', { address: `${sink.url}/deploys`, token: 'hmac-key' });
    const before = sink.requests.length;
    const run = recordingIo();
    expect(
      await main(['reconcile', '--config', config, '--state', join(work.path, 'notified')], run.io),
    ).toBe(0);
    const [head] = await gitServer.gitLog('notified', 'main');
    const [sent] = sink.requests.slice(before);
    expect(sent?.headers['x-signature']).toBe(signatureHeader('hmac-key', sent?.body ?? ''));
    expect(JSON.parse(sent?.body ?? '')).toMatchObject({
      event: 'pushed',
      commit: head?.commit,
      branch: 'main',
      changes: [
        {
          policy: 'apps/web',
          image: `${registry.host}/team/web`,
          from: '1.0.0',
          to: '1.1.0',
          digest,
          files: [{ file: 'web.yaml', line: 1, setter: 'apps:web' }],
        },
      ],
    });
    expect(run.stderr()).not.toContain('hmac-key');
  });

  it('still commits when the receiver is down, and logs the failure', async () => {
    const config = await setup('unnotified', { address: await refusedUrl() });
    const run = recordingIo();
    expect(
      await main(['reconcile', '--config', config, '--state', join(work.path, 'unnotified')], run.io),
    ).toBe(0);
    expect(run.stdout()).toMatch(/apps\/fleet: pushed [0-9a-f]{7} to main/);
    expect(await gitServer.readFileAt('unnotified', 'main', 'web.yaml')).toContain(
      `team/web:1.1.0@${digest}`,
    );
    const failure = run
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .find((l) => l.message === 'notification failed');
    expect(failure).toMatchObject({
      level: 'warn',
      automation: 'apps/fleet',
      event: 'pushed',
      format: 'json',
    });
    expect(failure.error.message).toMatch(/could not connect \(ECONNREFUSED\)/);
  });
});
