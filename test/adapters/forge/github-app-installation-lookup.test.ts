import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../../infra/peers/git-server.ts';
import { createGitHubAppTokenSource } from '../../../lib/adapters/forge/github-app-tokens.ts';
import { githubAppFromSecret } from '../../../lib/app/github-app-secret.ts';
import { InvalidConfigError, NotFoundError } from '../../../lib/domain/errors.ts';
import { type FakeGitHub, startFakeGitHub } from '../../helpers/fake-github.ts';
import { githubAppKeyPair } from '../../helpers/github-app-key.ts';

/**
 * Flux 2.9: a GitHub App Secret without `githubAppInstallationID` authenticates through the app's
 * installation on the repository owner (`GET /users/{owner}/installation` with the app JWT), looked
 * up when a token is minted and cached with it.
 */
describe('GitHub App without an installation id', () => {
  let gitServer: GitServer;
  let github: FakeGitHub;
  const keys = githubAppKeyPair();
  beforeAll(async () => {
    gitServer = await startGitServer();
    github = await startFakeGitHub({
      gitServer,
      app: { id: '123456', installationId: '987', publicKeyPem: keys.publicKeyPem, installedOn: ['acme'] },
    });
  });
  afterAll(async () => {
    await Promise.all([github?.stop(), gitServer?.stop()]);
  });

  const secret = (extra: Record<string, string> = {}) => ({
    githubAppID: '123456',
    githubAppPrivateKey: keys.privateKeyPem,
    githubAppBaseURL: github.apiUrl,
    ...extra,
  });

  it('reads the owner from the GitRepository URL (https or ssh) when the Secret names no installation', () => {
    expect(githubAppFromSecret(secret(), 'ns/app', 'https://github.com/acme/fleet.git')).toMatchObject({
      appId: '123456',
      owner: 'acme',
    });
    expect(githubAppFromSecret(secret(), 'ns/app', 'ssh://git@github.com/acme/fleet')?.owner).toBe('acme');
    const named = githubAppFromSecret(
      secret({ githubAppInstallationID: '42' }),
      'ns/app',
      'https://github.com/acme/f',
    );
    expect(named).toMatchObject({ installationId: '42' });
    expect(named).not.toHaveProperty('owner');
    expect(() => githubAppFromSecret(secret(), 'ns/app', 'https://github.com/')).toThrow(InvalidConfigError);
  });

  it('looks the installation up for the owner, mints its token, and caches both', async () => {
    const tokens = createGitHubAppTokenSource();
    const app = githubAppFromSecret(secret(), 'ns/app', github.gitUrl('acme/fleet'));
    if (!app) throw new Error('no app');
    const before = github.requests.length;
    const token = await tokens.installationToken(app);
    expect(token).toBe(github.mintedTokens.at(-1));
    expect(github.requests.slice(before).map((r) => `${r.method} ${r.url} ${r.status}`)).toEqual([
      'GET /api/v3/users/acme/installation 200',
      'POST /api/v3/app/installations/987/access_tokens 201',
    ]);
    expect(await tokens.installationToken(app)).toBe(token);
    expect(github.requests.length - before).toBe(2);
    // Renewal (after a 401) looks the installation up again with the new token.
    const renewed = await tokens.installationToken(app, { renew: true });
    expect(renewed).not.toBe(token);
    expect(github.requests.slice(before + 2).map((r) => r.url)).toEqual([
      '/api/v3/users/acme/installation',
      '/api/v3/app/installations/987/access_tokens',
    ]);
  });

  it('says the app is not installed on an owner it has no installation on', async () => {
    const app = githubAppFromSecret(secret(), 'ns/app', github.gitUrl('elsewhere/fleet'));
    if (!app) throw new Error('no app');
    const error = await createGitHubAppTokenSource()
      .installationToken(app)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('not installed on elsewhere');
    expect((error as Error).message).not.toContain('PRIVATE KEY');
  });
});
