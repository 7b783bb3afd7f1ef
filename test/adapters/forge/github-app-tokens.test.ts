import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../../infra/peers/git-server.ts';
import { createForgeClients } from '../../../lib/adapters/forge/forge-clients.ts';
import { createGitHubAppTokenSource } from '../../../lib/adapters/forge/github-app-tokens.ts';
import { AuthError, InvalidConfigError, NotFoundError } from '../../../lib/domain/errors.ts';
import { type FakeGitHub, startFakeGitHub } from '../../helpers/fake-github.ts';
import { githubAppKeyPair } from '../../helpers/github-app-key.ts';

describe('GitHub App installation tokens', () => {
  let gitServer: GitServer;
  let github: FakeGitHub;
  const keys = githubAppKeyPair();
  const other = githubAppKeyPair();
  let now = Date.now();
  beforeAll(async () => {
    gitServer = await startGitServer();
    github = await startFakeGitHub({
      gitServer,
      app: { id: '123456', installationId: '987', publicKeyPem: keys.publicKeyPem },
      now: () => now,
    });
  });
  beforeEach(() => {
    now = Date.now();
  });
  afterAll(async () => {
    await Promise.all([github?.stop(), gitServer?.stop()]);
  });

  const app = (overrides: Record<string, string> = {}) => ({
    appId: '123456',
    installationId: '987',
    privateKey: keys.privateKeyPem,
    baseUrl: github.apiUrl,
    ...overrides,
  });

  it('mints with a JWT the fake verifies, caches until expiry minus the margin, renews on demand', async () => {
    const tokens = createGitHubAppTokenSource({ clock: { now: () => new Date(now) } });
    const first = await tokens.installationToken(app());
    expect(first).toBe(github.mintedTokens[0]);
    expect(await tokens.installationToken(app())).toBe(first);
    expect(github.mintedTokens).toHaveLength(1);

    const [mint] = github.requests;
    expect(mint).toMatchObject({
      method: 'POST',
      url: '/api/v3/app/installations/987/access_tokens',
      status: 201,
    });
    expect(mint?.headers).toMatchObject({
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      authorization: expect.stringMatching(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/),
    });

    now += 56 * 60_000; // within 5 minutes of the one-hour expiry: replaced
    const second = await tokens.installationToken(app());
    expect(second).not.toBe(first);
    expect(github.mintedTokens).toHaveLength(2);

    const renewed = await tokens.installationToken(app(), { renew: true });
    expect(renewed).toBe(github.mintedTokens[2]);
  });

  it('lets the API client renew a token the API refuses (401) and retry once', async () => {
    await gitServer.createRepo('acme/tokens', { 'a.yaml': 'a: 1\n' });
    const tokens = createGitHubAppTokenSource();
    const forge = createForgeClients()(
      { kind: 'github', apiUrl: github.apiUrl, project: 'acme/tokens' },
      {
        renewable: true,
        credential: async (o) => ({ scheme: 'bearer', token: await tokens.installationToken(app(), o) }),
      },
    );
    expect(await forge.findOpenPullRequest({ head: 'x', base: 'main' })).toBeNull();
    const minted = github.mintedTokens.length;
    github.revokeInstallationTokens();
    const before = github.requests.length;
    expect(await forge.findOpenPullRequest({ head: 'x', base: 'main' })).toBeNull();
    expect(github.mintedTokens.length).toBe(minted + 1);
    expect(github.requests.slice(before).map((r) => r.status)).toEqual([401, 201, 200]);
  });

  it('shares one request between concurrent callers', async () => {
    const tokens = createGitHubAppTokenSource();
    const before = github.mintedTokens.length;
    const all = await Promise.all([1, 2, 3].map(() => tokens.installationToken(app())));
    expect(new Set(all).size).toBe(1);
    expect(github.mintedTokens.length - before).toBe(1);
  });

  it('refuses a foreign key, an unknown installation and a malformed key without showing the key', async () => {
    const tokens = createGitHubAppTokenSource();
    const foreign = await tokens.installationToken(app({ privateKey: other.privateKeyPem })).catch((e) => e);
    expect(foreign).toBeInstanceOf(AuthError);
    expect(foreign.message).toContain('the app JWT was refused');
    const missing = await tokens.installationToken(app({ installationId: '1' })).catch((e) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    const garbage = 'not a key: SECRET-MATERIAL';
    const malformed = await tokens.installationToken(app({ privateKey: garbage })).catch((e) => e);
    expect(malformed).toBeInstanceOf(InvalidConfigError);
    expect(malformed.message).toBe('GitHub App 123456: githubAppPrivateKey is not a PEM RSA private key');
    expect(JSON.stringify(malformed)).not.toContain('SECRET-MATERIAL');
  });
});
