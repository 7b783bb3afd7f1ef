import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { createFileStateStore } from '../../lib/adapters/state/file-state-store.ts';
import { main } from '../../lib/local/cli.ts';
import { recordingIo } from '../helpers/cli-io.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';

const RECEIVER_TOKEN = 'receiver-token-0f1e2d3c';
const TEAM_B_TOKEN = 'team-b-receiver-token-4d5e6f70';
const READ_TOKEN = 'status-read-token-9a8b7c6d';
const NOW = new Date('2026-11-21T10:00:00Z');

const receiverDocs = (namespace: string, token: string, image: string) => [
  `apiVersion: v1
kind: Secret
metadata: {name: receiver-token, namespace: ${namespace}}
stringData: {token: ${token}}`,
  `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: registry, namespace: ${namespace}}
spec:
  type: generic
  secretRef: {name: receiver-token}
  resources:
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: ${image}}`,
];

describe('serve: GET /status', () => {
  let work: { path: string; remove: () => Promise<void> };
  let url: string;
  let stop: () => void;
  let exited: Promise<number>;
  let output: ReturnType<typeof recordingIo>;

  beforeAll(async () => {
    work = await scratchDir('ia-serve-status-');
    const config = join(work.path, 'fleet.yaml');
    const apps = fleetManifests({
      gitUrl: 'http://127.0.0.1:1/fleet.git',
      policies: [{ name: 'web', image: 'ghcr.io/acme/web' }],
      extra: receiverDocs('apps', RECEIVER_TOKEN, 'web'),
    });
    // A second tenant, watching the same image too: its Receiver's token must not see apps.
    const teamB = fleetManifests({
      namespace: 'team-b',
      gitUrl: 'http://127.0.0.1:1/team-b.git',
      policies: [
        { name: 'api', image: 'ghcr.io/team-b/api' },
        { name: 'web', image: 'ghcr.io/acme/web' },
      ],
      extra: receiverDocs('team-b', TEAM_B_TOKEN, 'api'),
    });
    await writeFile(config, `${apps}\n---\n${teamB}\n`);
    const state = join(work.path, 'state');
    const store = createFileStateStore({ dir: join(state, 'state') });
    await store.write(
      'policy',
      'apps/web',
      {
        latestRef: { name: 'ghcr.io/acme/web', tag: '1.4.2' },
        lastEvaluationTime: '2026-11-21T09:58:00.000Z',
      },
      0,
    );
    await store.write(
      'repository',
      'ghcr.io/acme/web',
      {
        canonicalName: 'ghcr.io/acme/web',
        lastScanTime: '2026-11-21T09:59:00.000Z',
        tagCount: 3,
        lastError: {
          code: 'Auth',
          message: 'registry refused apps/web credentials',
          at: '2026-11-21T09:59:00.000Z',
        },
      },
      0,
    );
    output = recordingIo({ env: { IMAGE_AUTOMATION_STATUS_TOKEN: READ_TOKEN } });
    let interrupt = () => {};
    const interrupted = new Promise<void>((resolve) => {
      interrupt = resolve;
    });
    stop = interrupt;
    const io = { ...output.io, now: () => NOW, waitForInterrupt: () => interrupted };
    exited = main(['serve', '--config', config, '--state', state, '--port', '0', '--sweep-seconds', '0'], io);
    for (let i = 0; i < 200 && !/listening on/.test(output.stdout()); i++)
      await new Promise((r) => setTimeout(r, 25));
    url = /listening on (\S+)/.exec(output.stdout())?.[1] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
  afterAll(async () => {
    stop?.();
    expect(await exited).toBe(0);
    await work?.remove();
  });

  const get = (authorization?: string) =>
    fetch(`${url}/status`, { headers: authorization ? { authorization } : {} });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer not-the-token'],
    ['a token in another scheme', `Basic ${RECEIVER_TOKEN}`],
    ['a token prefix', `Bearer ${READ_TOKEN.slice(0, 10)}`],
  ])('answers 401 with %s, echoing nothing', async (_, authorization) => {
    const response = await get(authorization);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="image-automation"');
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({ error: 'unauthorized' });
    expect(body).not.toContain('token');
  });

  const appsWeb = {
    policy: 'apps/web',
    recorded: true,
    latestRef: { name: 'ghcr.io/acme/web', tag: '1.4.2' },
    lastEvaluationTime: '2026-11-21T09:58:00.000Z',
    lastEvaluationAgeSeconds: 120,
  };
  const webScan = {
    repository: 'ghcr.io/acme/web',
    recorded: true,
    lastScanTime: '2026-11-21T09:59:00.000Z',
    lastScanAgeSeconds: 60,
    tagCount: 3,
  };
  const webError = {
    code: 'Auth',
    message: 'registry refused apps/web credentials',
    at: '2026-11-21T09:59:00.000Z',
    ageSeconds: 60,
  };

  const report = async (token: string) => {
    const response = await get(`Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    return response.json();
  };

  it('answers the whole report, every namespace, to the IMAGE_AUTOMATION_STATUS_TOKEN read token', async () => {
    expect(await report(READ_TOKEN)).toEqual({
      version: 1,
      generatedAt: '2026-11-21T10:00:00.000Z',
      automations: [
        { automation: 'apps/fleet', recorded: false, policies: ['apps/web'], warnings: 0 },
        {
          automation: 'team-b/fleet',
          recorded: false,
          policies: ['team-b/api', 'team-b/web'],
          warnings: 0,
        },
      ],
      policies: [
        appsWeb,
        { policy: 'team-b/api', recorded: false },
        { policy: 'team-b/web', recorded: false },
      ],
      repositories: [
        { ...webScan, lastError: webError },
        { repository: 'ghcr.io/team-b/api', recorded: false },
      ],
      deadLetters: { count: 0, items: [] },
    });
  });

  it("answers a Receiver's token with its own namespace only", async () => {
    expect(await report(RECEIVER_TOKEN)).toEqual({
      version: 1,
      generatedAt: '2026-11-21T10:00:00.000Z',
      automations: [{ automation: 'apps/fleet', recorded: false, policies: ['apps/web'], warnings: 0 }],
      policies: [appsWeb],
      // Shared by every namespace that watches the image: no error text of another tenant's scan.
      repositories: [webScan],
      deadLetters: { count: 0, items: [] },
    });
    const teamB = await report(TEAM_B_TOKEN);
    expect(teamB).toEqual({
      version: 1,
      generatedAt: '2026-11-21T10:00:00.000Z',
      automations: [
        {
          automation: 'team-b/fleet',
          recorded: false,
          policies: ['team-b/api', 'team-b/web'],
          warnings: 0,
        },
      ],
      policies: [
        { policy: 'team-b/api', recorded: false },
        { policy: 'team-b/web', recorded: false },
      ],
      repositories: [webScan, { repository: 'ghcr.io/team-b/api', recorded: false }],
      deadLetters: { count: 0, items: [] },
    });
    expect(JSON.stringify(teamB)).not.toContain('apps/');
  });

  it('keeps the webhook and health routes as they were, and never logs a token', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/status`, { method: 'POST' })).status).toBe(404);
    expect(output.stderr()).not.toContain(RECEIVER_TOKEN);
    expect(output.stderr()).not.toContain(READ_TOKEN);
    expect(output.stderr()).not.toContain(TEAM_B_TOKEN);
  });
});
