import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../infra/peers/git-cli.ts';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { createForgeClients } from '../../lib/adapters/forge/forge-clients.ts';
import { createGitHubAppTokenSource } from '../../lib/adapters/forge/github-app-tokens.ts';
import { createIsomorphicGitClient } from '../../lib/adapters/git/isomorphic-git-client.ts';
import { createOciRegistryClient } from '../../lib/adapters/registry/oci-distribution-client.ts';
import { createConfigSecretSource } from '../../lib/adapters/secrets/config-secret-source.ts';
import { createOpenPgpSigning } from '../../lib/adapters/signing/openpgp-signing.ts';
import { createSshSigning } from '../../lib/adapters/signing/ssh-signing.ts';
import { createMemoryStateStore } from '../../lib/adapters/state/memory-state-store.ts';
import { type ReconcileDeps, reconcileAutomation } from '../../lib/app/reconcile-automation.ts';
import { InvalidConfigError } from '../../lib/domain/errors.ts';
import type { ReconcileRequest } from '../../lib/domain/work.ts';
import { silentLogger } from '../../lib/ports/logger.ts';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-github.ts';
import { type FakeGitLab, startFakeGitLab } from '../helpers/fake-gitlab.ts';
import { type FleetOptions, fleetConfig } from '../helpers/fleet-config.ts';
import { githubAppKeyPair } from '../helpers/github-app-key.ts';
import { type GpgKey, generateGpgKey } from '../helpers/gpg.ts';

// Pull-request mode end to end: a real registry, the real `git http-backend` behind a fake GitHub
// (or GitLab) that checks every API request and the Git credentials, and real gpg for signatures.

const P = 'image-automation.io/';
const clock = { now: () => new Date('2026-11-21T10:00:00Z') };
const secret = (name: string, data: Record<string, string>) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'apps' },
    stringData: data,
  });
const request = (repositories: string[] = []): ReconcileRequest => ({
  automation: 'apps/fleet',
  repositories,
  reason: 'event',
  deliveryIds: ['d1'],
  triggeredAt: '2026-11-21T10:00:00.000Z',
});
const apiWrites = (server: { requests: readonly { method: string }[] }, from: number) =>
  server.requests.slice(from).filter((r) => r.method !== 'GET');

describe('pull-request mode against a real registry, git http-backend and a checking fake forge', () => {
  let registry: RegistryServer;
  let gitServer: GitServer;
  let github: FakeGitHub;
  let gitlab: FakeGitLab;
  let key: GpgKey;
  const app = githubAppKeyPair();
  const digests = new Map<string, string>();
  beforeAll(async () => {
    [registry, gitServer, key] = await Promise.all([
      startRegistry(),
      startGitServer(),
      generateGpgKey({ passphrase: 'bot passphrase' }),
    ]);
    for (const tag of ['1.0.0', '1.1.0'])
      digests.set(tag, await pushImage(registry, { repository: 'team/web', tag }));
    github = await startFakeGitHub({
      gitServer,
      tokens: ['ghp_fleet'],
      collaborators: ['alice', 'platform'],
      app: { id: '4242', installationId: '77', publicKeyPem: app.publicKeyPem },
    });
    gitlab = await startFakeGitLab({
      gitServer,
      tokens: ['glpat-fleet'],
      users: [{ id: 3, username: 'alice' }],
    });
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), gitServer?.stop(), github?.stop(), gitlab?.stop(), key?.remove()]);
  });

  const setup = async (
    repo: string,
    options: Partial<FleetOptions> & { tokens?: ReturnType<typeof createGitHubAppTokenSource> },
  ) => {
    await gitServer.createRepo(repo, {
      'apps/web.yaml': `spec:\n  image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
      'apps/tag.yaml': `tag: "1.0.0" # {"$imagepolicy": "apps:web:tag"}\n`,
    });
    const config = fleetConfig({
      gitUrl: github.gitUrl(repo),
      gitSecretRef: 'git-auth',
      pushBranch: 'image-updates',
      policies: [{ name: 'web', image: `${registry.host}/team/web` }],
      ...options,
      extra: [secret('git-auth', { username: 'bot', password: 'ghp_fleet' }), ...(options.extra ?? [])],
    });
    const state = createMemoryStateStore();
    const deps: ReconcileDeps = {
      config,
      registry: createOciRegistryClient(),
      git: createIsomorphicGitClient(),
      state,
      secrets: createConfigSecretSource({ secrets: config.secrets }),
      clock,
      logger: silentLogger,
      signing: { ...createOpenPgpSigning(), ...createSshSigning() },
      githubApp: options.tokens ?? createGitHubAppTokenSource(),
      forge: createForgeClients(),
    };
    return deps;
  };

  const signedReview = {
    annotations: {
      [`${P}pull-request`]: 'true',
      [`${P}forge`]: 'github',
      [`${P}pull-request-labels`]: 'images,automerge',
      [`${P}pull-request-reviewers`]: 'alice,acme/platform',
    },
    signingKeySecret: 'signing-key',
  };

  it('opens one PR, leaves it alone when nothing changed, then rebuilds the branch on the new base and updates the same PR', async () => {
    const deps = await setup('acme/fleet', {
      ...signedReview,
      extra: [secret('signing-key', { 'git.asc': key.armoredSecretKey, passphrase: 'bot passphrase' })],
    });
    const first = await reconcileAutomation(deps, request());
    expect(first).toMatchObject({
      kind: 'pushed',
      branch: 'image-updates',
      pullRequest: { number: 1, action: 'opened', url: `${github.url}/acme/fleet/pull/1` },
    });
    if (first.kind !== 'pushed') return;
    const [main] = await gitServer.gitLog('acme/fleet', 'main');
    const [head] = await gitServer.gitLog('acme/fleet', 'image-updates');
    expect(head).toMatchObject({ commit: first.commit, parents: [main?.commit] });

    // The commit: signed (verified by gpg with only the public key), trailers git itself parses.
    const verified = await key.verifyCommit(gitServer.bareDir('acme/fleet'), first.commit);
    expect(verified).toContain(`[GNUPG:] VALIDSIG ${key.fingerprint}`);
    const trailers = await runGit(['interpret-trailers', '--parse'], { input: head?.message });
    expect(trailers.toString()).toBe(
      `Image-Update: apps/web ${registry.host}/team/web 1.0.0 -> 1.1.0@${digests.get('1.1.0')}\n`,
    );

    // The pull request: labels and reviewers applied, the body says from → to, digest, policy, lines, signature.
    expect(github.pulls).toHaveLength(1);
    const [pull] = github.pulls;
    expect(pull).toMatchObject({
      title: 'Update web to 1.1.0',
      head: 'image-updates',
      base: 'main',
      labels: ['images', 'automerge'],
      reviewers: ['alice'],
      teams: ['platform'],
    });
    expect(pull?.body).toContain(
      `| \`${registry.host}/team/web\` | \`1.0.0\` | \`1.1.0\` | \`${digests.get('1.1.0')}\` | \`apps/web\` | semver >=1.0.0 |`,
    );
    expect(pull?.body).toContain(`- \`apps/tag.yaml:1\`, marker \`apps:web:tag\`: \`1.0.0\` → \`1.1.0\``);
    expect(pull?.body).toContain('- `apps/web.yaml:2`, marker `apps:web`');
    expect(pull?.body).toContain(`Signed with OpenPGP key \`${key.fingerprint}\``);

    // Nothing new: the rebuilt commit equals the branch, so no push and no API write.
    const gitRequests = gitServer.requests.length;
    const apiRequests = github.requests.length;
    const second = await reconcileAutomation(deps, request());
    expect(second).toMatchObject({ kind: 'up-to-date', reason: 'the push branch already holds this change' });
    expect(gitServer.requests.slice(gitRequests).filter((r) => r.service === 'git-receive-pack')).toEqual([]);
    const uploads = (from: number) =>
      gitServer.requests.slice(from).filter((r) => r.method === 'POST' && r.service === 'git-upload-pack');
    expect(uploads(gitRequests)).toHaveLength(2); // the clone, and the branch head to compare with
    expect(apiWrites(github, apiRequests)).toEqual([]);
    expect((await gitServer.gitLog('acme/fleet', 'image-updates'))[0]?.commit).toBe(first.commit);

    // The base moved and a new tag arrived: the branch is rebuilt on the new main head and
    // force-pushed; the same PR is updated, no second one.
    const newMain = await gitServer.commitFiles('acme/fleet', { 'README.md': 'docs\n' }, { branch: 'main' });
    digests.set('1.2.0', await pushImage(registry, { repository: 'team/web', tag: '1.2.0' }));
    const beforeThird = gitServer.requests.length;
    const third = await reconcileAutomation(deps, request([`${registry.host}/team/web`]));
    // The base moved since the branch was pushed: no fetch to compare, straight to the rebuild.
    expect(uploads(beforeThird)).toHaveLength(1);
    expect(third).toMatchObject({ kind: 'pushed', pullRequest: { number: 1, action: 'updated' } });
    if (third.kind !== 'pushed') return;
    const rebuilt = await gitServer.gitLog('acme/fleet', 'image-updates');
    expect(rebuilt.map((e) => e.commit).slice(0, 2)).toEqual([third.commit, newMain]);
    expect(rebuilt.map((e) => e.commit)).not.toContain(first.commit);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toMatchObject({ title: 'Update web to 1.2.0', labels: ['images', 'automerge'] });
    expect(github.pulls[0]?.body).toContain(`| \`1.0.0\` | \`1.2.0\` | \`${digests.get('1.2.0')}\` |`);
    expect(github.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/pulls'))).toHaveLength(1);
    expect(await key.verifyCommit(gitServer.bareDir('acme/fleet'), third.commit)).toContain('VALIDSIG');
  });

  it('signs in Flux mode too (push straight to the checkout branch), with the trailers', async () => {
    const deps = await setup('acme/direct', {
      pushBranch: undefined,
      signingKeySecret: 'signing-key',
      extra: [secret('signing-key', { 'git.asc': key.armoredSecretKey, passphrase: 'bot passphrase' })],
    });
    const outcome = await reconcileAutomation(deps, request());
    expect(outcome).toMatchObject({ kind: 'pushed', branch: 'main' });
    if (outcome.kind !== 'pushed') return;
    expect(outcome.pullRequest).toBeUndefined();
    expect(await key.verifyCommit(gitServer.bareDir('acme/direct'), outcome.commit)).toContain(
      `[GNUPG:] GOODSIG`,
    );
    const [head] = await gitServer.gitLog('acme/direct', 'main');
    expect(head?.message).toMatch(/^Update from image update automation\n\nImage-Update: apps\/web /);
  });

  it('does not reopen a pull request someone closed until the branch changes', async () => {
    const deps = await setup('acme/closed', {
      annotations: { [`${P}pull-request`]: 'true', [`${P}forge`]: 'github' },
    });
    expect(await reconcileAutomation(deps, request())).toMatchObject({
      kind: 'pushed',
      pullRequest: { action: 'opened' },
    });
    const pull = github.pulls.find((p) => p.repo === 'acme/closed');
    if (pull) pull.state = 'closed';
    const before = github.requests.length;
    expect(await reconcileAutomation(deps, request())).toMatchObject({ kind: 'up-to-date' });
    expect(apiWrites(github, before)).toEqual([]);
    // Something new on the base: the branch moves, and a new pull request is offered.
    await gitServer.commitFiles('acme/closed', { 'README.md': 'docs\n' }, { branch: 'main' });
    expect(await reconcileAutomation(deps, request())).toMatchObject({
      kind: 'pushed',
      pullRequest: { action: 'opened' },
    });
    expect(github.pulls.filter((p) => p.repo === 'acme/closed').map((p) => p.state)).toEqual([
      'closed',
      'open',
    ]);
  });

  it('names push branches from a template (one per new tag) and opens a PR for each', async () => {
    const deps = await setup('acme/tagged', {
      annotations: {
        [`${P}pull-request`]: 'true',
        [`${P}forge`]: 'github',
        [`${P}push-branch-template`]:
          'image-updates/{{ range .Changed.Changes }}{{ if hasSuffix ":tag" .Setter }}web-{{ .NewValue }}{{ end }}{{ end }}',
        [`${P}pull-request-title`]:
          'chore(images): {{ .AutomationObject }} ({{ len .Changed.Changes }} markers)',
      },
    });
    const outcome = await reconcileAutomation(deps, request());
    expect(outcome).toMatchObject({
      kind: 'pushed',
      branch: 'image-updates/web-1.2.0',
      pullRequest: { action: 'opened' },
    });
    expect(await gitServer.readFileAt('acme/tagged', 'image-updates/web-1.2.0', 'apps/tag.yaml')).toBe(
      'tag: "1.2.0" # {"$imagepolicy": "apps:web:tag"}\n',
    );
    expect(github.pulls.find((p) => p.repo === 'acme/tagged')).toMatchObject({
      head: 'image-updates/web-1.2.0',
      title: 'chore(images): apps/fleet (2 markers)',
    });
  });

  it('authenticates clone, push and the API as a GitHub App, caches the token and renews it after a 401', async () => {
    const tokens = createGitHubAppTokenSource();
    const minted = github.mintedTokens.length;
    const deps = await setup('acme/app', {
      annotations: { [`${P}pull-request`]: 'true', [`${P}forge`]: 'github' },
      gitSecretRef: 'github-app',
      gitProvider: 'github',
      tokens,
      extra: [
        secret('github-app', {
          githubAppID: '4242',
          githubAppInstallationID: '77',
          githubAppPrivateKey: app.privateKeyPem,
          githubAppBaseURL: github.apiUrl,
        }),
      ],
    });
    expect(await reconcileAutomation(deps, request())).toMatchObject({
      kind: 'pushed',
      pullRequest: { action: 'opened' },
    });
    expect(await reconcileAutomation(deps, request())).toMatchObject({ kind: 'up-to-date' });
    expect(github.mintedTokens.length - minted).toBe(1);
    const pull = github.requests.find((r) => r.url === '/api/v3/repos/acme/app/pulls' && r.method === 'POST');
    expect(pull?.headers.authorization).toBe(`Bearer ${github.mintedTokens[minted]}`);

    github.revokeInstallationTokens();
    expect(await reconcileAutomation(deps, request())).toMatchObject({ kind: 'up-to-date' });
    expect(github.mintedTokens.length - minted).toBe(2);
  });

  it('opens a GitLab merge request with PRIVATE-TOKEN and reviewer ids', async () => {
    await gitServer.createRepo('platform/fleet', {
      'apps/web.yaml': `image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
    });
    const config = fleetConfig({
      gitUrl: gitlab.gitUrl('platform/fleet'),
      gitSecretRef: 'gitlab',
      pushBranch: 'image-updates',
      annotations: {
        [`${P}pull-request`]: 'true',
        [`${P}forge`]: 'gitlab',
        [`${P}pull-request-labels`]: 'images',
        [`${P}pull-request-reviewers`]: 'alice',
      },
      policies: [{ name: 'web', image: `${registry.host}/team/web` }],
      extra: [secret('gitlab', { username: 'oauth2', password: 'glpat-fleet' })],
    });
    const deps: ReconcileDeps = {
      config,
      registry: createOciRegistryClient(),
      git: createIsomorphicGitClient(),
      state: createMemoryStateStore(),
      secrets: createConfigSecretSource({ secrets: config.secrets }),
      clock,
      logger: silentLogger,
      forge: createForgeClients(),
    };
    const outcome = await reconcileAutomation(deps, request());
    expect(outcome).toMatchObject({
      kind: 'pushed',
      pullRequest: { number: 1, action: 'opened', url: `${gitlab.url}/platform/fleet/-/merge_requests/1` },
    });
    expect(gitlab.mergeRequests).toEqual([
      expect.objectContaining({ source_branch: 'image-updates', labels: ['images'], reviewer_ids: [3] }),
    ]);
    const create = gitlab.requests.find((r) => r.method === 'POST');
    expect(create?.headers['private-token']).toBe('glpat-fleet');
  });

  it('refuses a signing key the passphrase does not unlock, naming the Secret, before anything is pushed', async () => {
    const deps = await setup('acme/badkey', {
      ...signedReview,
      extra: [secret('signing-key', { 'git.asc': key.armoredSecretKey, passphrase: 'not it' })],
    });
    const apiRequests = github.requests.length;
    const error = await reconcileAutomation(deps, request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toBe(
      'Secret apps/signing-key (spec.git.commit.signingKey of ImageUpdateAutomation apps/fleet): the "passphrase" does not unlock the key',
    );
    expect(JSON.stringify(error)).not.toMatch(/not it|PGP PRIVATE/);
    expect(github.requests.length).toBe(apiRequests);
    expect(await gitServer.git('acme/badkey', ['branch', '--list'])).not.toContain('image-updates');
  });
});
