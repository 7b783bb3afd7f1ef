import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import { main } from '../../lib/local/cli.ts';
import { recordingIo } from '../helpers/cli-io.ts';
import { DISTRIBUTION_CONTENT_TYPE, distributionPush } from '../helpers/distribution-event.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { serveInProcess } from '../helpers/serve-in-process.ts';

const REGISTRY = '127.0.0.1:5999';
const TOKEN = 'team-b-receiver-token-1a2b3c';

// Team B's Receivers whose resources match nothing: a label selector no ImageRepository carries,
// and only kinds that are not ImageRepository. They once fell back to every ImageRepository of the
// configuration, so team B's sender re-checked (and queued runs of) team A's automation.
const teamBReceivers = [
  `apiVersion: v1
kind: Secret
metadata: {name: receiver-token, namespace: team-b}
stringData: {token: ${TOKEN}}`,
  `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: by-label, namespace: team-b}
spec:
  type: distribution
  secretRef: {name: receiver-token}
  resources:
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: "*", matchLabels: {app: nothing}}`,
  `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: other-kinds, namespace: team-b}
spec:
  type: distribution
  secretRef: {name: receiver-token}
  resources:
    - {apiVersion: source.toolkit.fluxcd.io/v1, kind: GitRepository, name: fleet}`,
  `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: own, namespace: team-b}
spec:
  type: distribution
  secretRef: {name: receiver-token}
  resources:
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: web}`,
];

describe('serve: a Receiver whose resources match nothing re-checks nothing', () => {
  let work: { path: string; remove: () => Promise<void> };
  let config: string;
  let url: string;
  let serve: Awaited<ReturnType<typeof serveInProcess>> | undefined;

  beforeAll(async () => {
    work = await scratchDir('ia-serve-receiver-scope-');
    config = join(work.path, 'fleet.yaml');
    const teamA = fleetManifests({
      namespace: 'team-a',
      gitUrl: 'http://127.0.0.1:1/team-a.git',
      policies: [{ name: 'web', image: `${REGISTRY}/team-a/web` }],
    });
    const teamB = fleetManifests({
      namespace: 'team-b',
      gitUrl: 'http://127.0.0.1:1/team-b.git',
      policies: [{ name: 'web', image: `${REGISTRY}/team-b/web` }],
      extra: teamBReceivers,
    });
    // Team C watches team B's image too, and has no Receiver: team B's sender must not run team C's automation.
    const teamC = fleetManifests({
      namespace: 'team-c',
      gitUrl: 'http://127.0.0.1:1/team-c.git',
      policies: [{ name: 'web', image: `${REGISTRY}/team-b/web` }],
    });
    await writeFile(config, `${teamA}\n---\n${teamB}\n---\n${teamC}\n`);
    // Sweeps off: only webhooks queue work here.
    serve = await serveInProcess(config, join(work.path, 'state'));
    url = serve.url;
  });
  afterAll(async () => {
    expect(await serve?.stop()).toBe(0);
    await work?.remove();
  });

  let deliveries = 0;
  const push = async (receiver: string, repository: string) => {
    const response = await fetch(`${url}${hookPath(TOKEN, receiver, 'team-b')}`, {
      method: 'POST',
      headers: { 'content-type': DISTRIBUTION_CONTENT_TYPE, authorization: `Bearer ${TOKEN}` },
      body: distributionPush(REGISTRY, [{ repository, tag: '1.0.0', id: `delivery-${++deliveries}` }]),
    });
    expect(response.status).toBe(202);
    return response.json();
  };

  it.each([
    ['a label selector that matches no ImageRepository', 'by-label'],
    ['only resources that are not ImageRepositories', 'other-kinds'],
  ])("with %s, queues nothing, not even for another namespace's image", async (_, receiver) => {
    expect(await push(receiver, 'team-a/web')).toMatchObject({ accepted: 0, unmatched: 1, queued: 0 });
    expect(await push(receiver, 'team-b/web')).toMatchObject({ accepted: 0, unmatched: 1, queued: 0 });
  });

  it("a Receiver that lists its ImageRepository queues its own namespace's run only, not another namespace's of the same image", async () => {
    expect(await push('own', 'team-b/web')).toMatchObject({ accepted: 1, queued: 1 });
    expect(await push('own', 'team-a/web')).toMatchObject({ accepted: 0, unmatched: 1, queued: 0 });
  });

  it('validate warns about each Receiver that matches nothing', async () => {
    const run = recordingIo();
    expect(await main(['validate', '--config', config], run.io)).toBe(0);
    const warnings = run
      .stderr()
      .split('\n')
      .filter((line) => line.includes('spec.resources:'));
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(
      /team-b\/by-label.*matches no ImageRepository: its events will re-check nothing/,
    );
    expect(warnings.join('\n')).toMatch(
      /team-b\/other-kinds.*matches no ImageRepository: its events will re-check nothing/,
    );
  });
});
