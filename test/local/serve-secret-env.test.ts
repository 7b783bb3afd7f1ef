import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { serveInProcess } from '../helpers/serve-in-process.ts';

// Secret team/a-hook and Secret team-a/hook: one variable name for both under the old encoding
// (IMAGE_AUTOMATION_SECRET_TEAM_A_HOOK), so one namespace's Receiver accepted the other's token.
const TEAM_TOKEN = 'team-token-5c4b3a29';
const TEAM_A_TOKEN = 'team-a-token-8e7d6c5b';

const receiver = (namespace: string, secret: string) => `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: hook, namespace: ${namespace}}
spec:
  type: generic
  secretRef: {name: ${secret}}
  resources:
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: web}`;

describe('serve: Secrets from the environment, one variable per Secret', () => {
  let work: { path: string; remove: () => Promise<void> };
  let url: string;
  let serve: Awaited<ReturnType<typeof serveInProcess>> | undefined;

  beforeAll(async () => {
    work = await scratchDir('ia-serve-secret-env-');
    const config = join(work.path, 'fleet.yaml');
    const fleet = (namespace: string, secret: string) =>
      fleetManifests({
        namespace,
        gitUrl: 'http://127.0.0.1:1/fleet.git',
        policies: [{ name: 'web', image: `ghcr.io/${namespace}/web` }],
        extra: [receiver(namespace, secret)],
      });
    await writeFile(config, `${fleet('team', 'a-hook')}\n---\n${fleet('team-a', 'hook')}\n`);
    serve = await serveInProcess(config, join(work.path, 'state'), {
      IMAGE_AUTOMATION_SECRET_TEAM__A_HOOK: TEAM_TOKEN,
      IMAGE_AUTOMATION_SECRET_TEAM_A__HOOK: TEAM_A_TOKEN,
    });
    url = serve.url;
  });
  afterAll(async () => {
    expect(await serve?.stop()).toBe(0);
    await work?.remove();
  });

  const post = (token: string, namespace: string) =>
    fetch(`${url}${hookPath(token, 'hook', namespace)}`, { method: 'POST', body: '{}' }).then(
      (r) => r.status,
    );

  it("gives each namespace's Receiver its own Secret, never the other namespace's", async () => {
    expect(await post(TEAM_TOKEN, 'team')).toBe(202);
    expect(await post(TEAM_A_TOKEN, 'team-a')).toBe(202);
    expect(await post(TEAM_A_TOKEN, 'team')).toBe(404);
    expect(await post(TEAM_TOKEN, 'team-a')).toBe(404);
  });
});
