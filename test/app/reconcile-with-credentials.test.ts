import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { createIsomorphicGitClient } from '../../lib/adapters/git/isomorphic-git-client.ts';
import { createOciRegistryClient } from '../../lib/adapters/registry/oci-distribution-client.ts';
import { createConfigSecretSource } from '../../lib/adapters/secrets/config-secret-source.ts';
import { createMemoryStateStore } from '../../lib/adapters/state/memory-state-store.ts';
import { reconcileAutomation } from '../../lib/app/reconcile-automation.ts';
import { silentLogger } from '../../lib/ports/logger.ts';
import { fleetConfig } from '../helpers/fleet-config.ts';

const dockerConfigSecret = (name: string, host: string, username: string, password: string) => `apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: apps}
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '${JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } })}'`;

describe('reconcile with credentials: Basic and token registries, Basic-auth Git', () => {
  let basic: RegistryServer;
  let token: RegistryServer;
  let gitServer: GitServer;
  const digests: Record<string, string> = {};
  beforeAll(async () => {
    [basic, token, gitServer] = await Promise.all([
      startRegistry({ auth: 'htpasswd' }),
      startRegistry({ auth: 'token' }),
      startGitServer({ auth: { username: 'git-bot', password: 'git-secret' } }),
    ]);
    digests.basic = await pushImage(basic, { repository: 'team/basic', tag: '1.1.0' });
    digests.token = await pushImage(token, { repository: 'team/token', tag: '2.1.0' });
  });
  afterAll(async () => {
    await Promise.all([basic?.stop(), token?.stop(), gitServer?.stop()]);
  });

  const run = async (secrets: string[], gitSecret = 'git-auth') => {
    const repo = `fleet-${Math.random().toString(36).slice(2, 8)}`;
    await gitServer.createRepo(repo, {
      'apps.yaml': `a: ${basic.host}/team/basic:1.0.0 # {"$imagepolicy": "apps:basic"}\nb: ${token.host}/team/token:2.0.0 # {"$imagepolicy": "apps:token"}\n`,
    });
    const config = fleetConfig({
      gitUrl: gitServer.url(repo),
      gitSecretRef: gitSecret,
      policies: [
        { name: 'basic', image: `${basic.host}/team/basic`, secretRef: 'basic-pull' },
        { name: 'token', image: `${token.host}/team/token`, secretRef: 'token-pull' },
      ],
      extra: secrets,
    });
    const state = createMemoryStateStore();
    const deps = {
      config,
      registry: createOciRegistryClient(),
      git: createIsomorphicGitClient(),
      state,
      secrets: createConfigSecretSource({ secrets: config.secrets }),
      clock: { now: () => new Date() },
      logger: silentLogger,
    };
    const request = {
      automation: 'apps/fleet',
      repositories: [],
      reason: 'manual' as const,
      deliveryIds: [],
      triggeredAt: new Date().toISOString(),
    };
    return {
      repo,
      state,
      outcome: await reconcileAutomation(deps, request).catch((error: unknown) => error),
    };
  };

  const gitSecret =
    'apiVersion: v1\nkind: Secret\nmetadata: {name: git-auth, namespace: apps}\nstringData: {username: git-bot, password: git-secret}';

  it('pulls with the secrets and pushes with Basic auth', async () => {
    const { repo, outcome } = await run([
      dockerConfigSecret('basic-pull', basic.host, 'ci-user', 'ci-pass'),
      dockerConfigSecret('token-pull', token.host, 'ci-user', 'ci-pass'),
      gitSecret,
    ]);
    expect(outcome).toMatchObject({ kind: 'pushed' });
    expect(await gitServer.readFileAt(repo, 'main', 'apps.yaml')).toBe(
      `a: ${basic.host}/team/basic:1.1.0@${digests.basic} # {"$imagepolicy": "apps:basic"}\nb: ${token.host}/team/token:2.1.0@${digests.token} # {"$imagepolicy": "apps:token"}\n`,
    );
  });

  it('records an auth error on the policy whose registry refuses the credentials, and still updates the other', async () => {
    const { repo, state, outcome } = await run([
      dockerConfigSecret('basic-pull', basic.host, 'ci-user', 'wrong'),
      dockerConfigSecret('token-pull', token.host, 'ci-user', 'ci-pass'),
      gitSecret,
    ]);
    expect(outcome).toMatchObject({ kind: 'pushed' });
    expect((await state.read('policy', 'apps/basic'))?.value.lastError).toMatchObject({
      code: 'Auth',
      message: expect.stringContaining(basic.host),
    });
    const text = await gitServer.readFileAt(repo, 'main', 'apps.yaml');
    expect(text).toContain('team/basic:1.0.0 ');
    expect(text).toContain(`team/token:2.1.0@${digests.token}`);
    expect(JSON.stringify(await state.list('policy'))).not.toContain('wrong');
  });

  it('fails with an auth error, recorded on the automation, when Git refuses the credentials', async () => {
    const { state, outcome } = await run([
      dockerConfigSecret('basic-pull', basic.host, 'ci-user', 'ci-pass'),
      dockerConfigSecret('token-pull', token.host, 'ci-user', 'ci-pass'),
      gitSecret.replace('git-secret', 'nope'),
    ]);
    expect(outcome).toMatchObject({ code: 'Auth', retryable: false });
    expect((await state.read('automation', 'apps/fleet'))?.value.lastError).toMatchObject({ code: 'Auth' });
  });
});
