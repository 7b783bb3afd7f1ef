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
import { createForgeClients } from '../../lib/adapters/forge/forge-clients.ts';
import { createGitHubAppTokenSource } from '../../lib/adapters/forge/github-app-tokens.ts';
import { createIsomorphicGitClient } from '../../lib/adapters/git/isomorphic-git-client.ts';
import { createOciRegistryClient } from '../../lib/adapters/registry/oci-distribution-client.ts';
import { createConfigSecretSource } from '../../lib/adapters/secrets/config-secret-source.ts';
import { createOpenPgpSigning } from '../../lib/adapters/signing/openpgp-signing.ts';
import { createSshSigning } from '../../lib/adapters/signing/ssh-signing.ts';
import { createMemoryStateStore } from '../../lib/adapters/state/memory-state-store.ts';
import { type ReconcileDeps, reconcileAutomation } from '../../lib/app/reconcile-automation.ts';
import { silentLogger } from '../../lib/ports/logger.ts';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.ts';
import { fleetConfig } from '../helpers/fleet-config.ts';

/**
 * Pull-request mode with the Git transport over SSH: clone, commit (SSH-signed with the deploy key)
 * and push of the branch go through a real sshd; the pull request through the forge API with its own
 * credentials (`forge-secret`), as with HTTPS.
 */
const P = 'image-automation.io/';
const secret = (name: string, data: Record<string, string>) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'apps' },
    stringData: data,
  });

describe('pull-request mode over SSH', () => {
  let registry: RegistryServer;
  let ssh: SshGitServer;
  let github: FakeGitHub;
  let work: { path: string; remove: () => Promise<void> };
  let key: SshKeyPair;
  beforeAll(async () => {
    [registry, ssh, work] = await Promise.all([
      startRegistry(),
      startSshGitServer(),
      scratchDir('ia-pr-ssh-'),
    ]);
    key = await generateSshKey(work.path, 'ed25519', { name: 'deploy' });
    await ssh.authorize([key.publicKey]);
    github = await startFakeGitHub({ gitServer: ssh.repos, tokens: ['ghp_api'], collaborators: [] });
    for (const tag of ['1.0.0', '1.1.0']) await pushImage(registry, { repository: 'team/web', tag });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([registry?.stop(), ssh?.stop(), github?.stop()]);
    await work?.remove();
  });

  it('pushes the signed branch over SSH and opens the pull request through the API', async () => {
    await ssh.repos.createRepo('acme/fleet', {
      'apps/web.yaml': `spec:\n  image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
    });
    const config = fleetConfig({
      gitUrl: ssh.url('acme/fleet'),
      gitSecretRef: 'deploy-key',
      signingKeySecret: 'deploy-key',
      pushBranch: 'image-updates',
      annotations: {
        [`${P}pull-request`]: 'true',
        [`${P}forge`]: 'github',
        [`${P}forge-api-url`]: github.apiUrl,
        [`${P}forge-secret`]: 'api-token',
      },
      policies: [{ name: 'web', image: `${registry.host}/team/web` }],
      extra: [
        secret('deploy-key', { identity: key.privateKey, known_hosts: await ssh.knownHosts() }),
        secret('api-token', { bearerToken: 'ghp_api' }),
      ],
    });
    const signing = config.imageUpdateAutomations[0]?.spec.git.commit.signingKey;
    if (!signing) throw new Error('no signing key');
    Object.assign(signing, { type: 'ssh' });
    const deps: ReconcileDeps = {
      config,
      registry: createOciRegistryClient(),
      git: createIsomorphicGitClient(),
      state: createMemoryStateStore(),
      secrets: createConfigSecretSource({ secrets: config.secrets }),
      clock: { now: () => new Date('2026-12-03T21:00:00Z') },
      logger: silentLogger,
      signing: { ...createOpenPgpSigning(), ...createSshSigning() },
      githubApp: createGitHubAppTokenSource(),
      forge: createForgeClients(),
    };
    const outcome = await reconcileAutomation(deps, {
      automation: 'apps/fleet',
      repositories: [],
      reason: 'event',
      deliveryIds: ['d1'],
      triggeredAt: '2026-12-03T21:00:00.000Z',
    });
    expect(outcome).toMatchObject({
      kind: 'pushed',
      branch: 'image-updates',
      pullRequest: { number: 1, action: 'opened' },
    });
    if (outcome.kind !== 'pushed') return;
    const [head] = await ssh.repos.gitLog('acme/fleet', 'image-updates');
    expect(head?.commit).toBe(outcome.commit);
    expect((await ssh.repos.gitLog('acme/fleet', 'main')).length).toBe(1);
    expect(github.pulls).toMatchObject([
      { head: 'image-updates', base: 'main', title: 'Update web to 1.1.0' },
    ]);
    expect(github.pulls[0]?.body).toContain(`Signed with SSH key \`${key.fingerprint}\``);
  });
});
