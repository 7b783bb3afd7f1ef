import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import {
  generateSshKey,
  type SshGitServer,
  type SshKeyPair,
  startSshGitServer,
} from '../../infra/peers/ssh-git-server.ts';
import { createIsomorphicGitClient } from '../../lib/adapters/git/isomorphic-git-client.ts';
import { createOciRegistryClient } from '../../lib/adapters/registry/oci-distribution-client.ts';
import { createConfigSecretSource } from '../../lib/adapters/secrets/config-secret-source.ts';
import { createMemoryStateStore } from '../../lib/adapters/state/memory-state-store.ts';
import { type ReconcileDeps, reconcileAutomation } from '../../lib/app/reconcile-automation.ts';
import { silentLogger } from '../../lib/ports/logger.ts';
import { fleetConfig } from '../helpers/fleet-config.ts';

/**
 * A concurrent writer over SSH: while our push is received, someone else's commit lands on main
 * (a pre-receive hook moves the branch, once). receive-pack refuses our stale update, and the run
 * re-fetches over SSH, re-applies the change on top, and pushes again.
 */
const secret = (name: string, data: Record<string, string>) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'apps' },
    stringData: data,
  });

describe('conflict re-apply over SSH', () => {
  let registry: RegistryServer;
  let ssh: SshGitServer;
  let work: { path: string; remove: () => Promise<void> };
  let key: SshKeyPair;
  beforeAll(async () => {
    [registry, ssh, work] = await Promise.all([
      startRegistry(),
      startSshGitServer(),
      scratchDir('ia-ssh-race-'),
    ]);
    key = await generateSshKey(work.path, 'ecdsa', { name: 'deploy' });
    await ssh.authorize([key.publicKey]);
    for (const tag of ['1.0.0', '1.1.0']) await pushImage(registry, { repository: 'team/web', tag });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([registry?.stop(), ssh?.stop()]);
    await work?.remove();
  });

  it('re-applies on top of the commit that landed first, and pushes once the branch is current', async () => {
    const seed = await ssh.repos.createRepo('race', {
      'apps/web.yaml': `spec:\n  image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
      'README.md': 'v1\n',
    });
    const theirs = await ssh.repos.commitFiles(
      'race',
      { 'README.md': 'v2\n' },
      { branch: 'theirs', from: 'main' },
    );
    const bare = ssh.repos.bareDir('race');
    const hook = join(bare, 'hooks', 'pre-receive');
    // git refuses ref updates from a quarantined pre-receive; the other writer is not quarantined.
    await writeFile(
      hook,
      `#!/bin/sh\ncat >/dev/null\nif [ ! -e raced ]; then\n  touch raced\n  env -u GIT_QUARANTINE_PATH git update-ref refs/heads/main ${theirs} ${seed}\nfi\n`,
    );
    await chmod(hook, 0o755);
    const config = fleetConfig({
      gitUrl: ssh.url('race'),
      gitSecretRef: 'deploy-key',
      policies: [{ name: 'web', image: `${registry.host}/team/web` }],
      extra: [secret('deploy-key', { identity: key.privateKey, known_hosts: await ssh.knownHosts() })],
    });
    const deps: ReconcileDeps = {
      config,
      registry: createOciRegistryClient(),
      git: createIsomorphicGitClient(),
      state: createMemoryStateStore(),
      secrets: createConfigSecretSource({ secrets: config.secrets }),
      clock: { now: () => new Date('2026-12-03T21:00:00Z') },
      logger: silentLogger,
    };
    const outcome = await reconcileAutomation(deps, {
      automation: 'apps/fleet',
      repositories: [],
      reason: 'event',
      deliveryIds: ['d1'],
      triggeredAt: '2026-12-03T21:00:00.000Z',
    });
    expect(outcome).toMatchObject({ kind: 'pushed', branch: 'main' });
    const [head, before] = await ssh.repos.gitLog('race', 'main');
    expect(head?.parents).toEqual([theirs]);
    expect(before?.commit).toBe(theirs);
    expect(await ssh.repos.readFileAt('race', 'main', 'README.md')).toBe('v2\n');
    expect(await ssh.repos.readFileAt('race', 'main', 'apps/web.yaml')).toContain('team/web:1.1.0@sha256:');
  });
});
