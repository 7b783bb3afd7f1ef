import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { createFileStateStore } from '../../lib/adapters/state/file-state-store.ts';
import { main } from '../../lib/local/cli.ts';
import { recordingIo } from '../helpers/cli-io.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';

const RECEIVER_TOKEN = 'receiver-token-0f1e2d3c';
const READ_TOKEN = 'status-read-token-9a8b7c6d';
const NOW = new Date('2026-11-21T10:00:00Z');

const receiverDocs = [
  `apiVersion: v1
kind: Secret
metadata: {name: receiver-token, namespace: apps}
stringData: {token: ${RECEIVER_TOKEN}}`,
  `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: registry, namespace: apps}
spec:
  type: generic
  secretRef: {name: receiver-token}
  resources:
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: web}`,
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
    await writeFile(
      config,
      fleetManifests({
        gitUrl: 'http://127.0.0.1:1/fleet.git',
        policies: [{ name: 'web', image: 'ghcr.io/acme/web' }],
        extra: receiverDocs,
      }),
    );
    const state = join(work.path, 'state');
    await createFileStateStore({ dir: join(state, 'state') }).write(
      'policy',
      'apps/web',
      {
        latestRef: { name: 'ghcr.io/acme/web', tag: '1.4.2' },
        lastEvaluationTime: '2026-11-21T09:58:00.000Z',
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

  it.each([
    ["a Receiver's token", RECEIVER_TOKEN],
    ['the IMAGE_AUTOMATION_STATUS_TOKEN read token', READ_TOKEN],
  ])('answers the status report with %s', async (_, token) => {
    const response = await get(`Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      version: 1,
      generatedAt: '2026-11-21T10:00:00.000Z',
      automations: [{ automation: 'apps/fleet', recorded: false, policies: ['apps/web'], warnings: 0 }],
      policies: [
        {
          policy: 'apps/web',
          recorded: true,
          latestRef: { name: 'ghcr.io/acme/web', tag: '1.4.2' },
          lastEvaluationTime: '2026-11-21T09:58:00.000Z',
          lastEvaluationAgeSeconds: 120,
        },
      ],
      repositories: [{ repository: 'ghcr.io/acme/web', recorded: false }],
    });
  });

  it('keeps the webhook and health routes as they were, and never logs a token', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/status`, { method: 'POST' })).status).toBe(404);
    expect(output.stderr()).not.toContain(RECEIVER_TOKEN);
    expect(output.stderr()).not.toContain(READ_TOKEN);
  });
});
