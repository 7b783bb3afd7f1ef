import { describe, expect, it } from 'vitest';
import { resolveForgeAuth } from '../../lib/app/forge-auth.ts';
import { resolveGitAuth } from '../../lib/app/git-auth.ts';
import { InvalidConfigError } from '../../lib/domain/errors.ts';
import type { ReviewSettings } from '../../lib/domain/flux/review-annotations.ts';
import { fleetConfig } from '../helpers/fleet-config.ts';

const app = { githubAppID: '1', githubAppInstallationID: '2', githubAppPrivateKey: 'pem' };
const secretsOf = (data: Record<string, Record<string, string>>) => ({
  getSecret: async (_namespace: string, name: string) => data[name],
});
const tokens = {
  installationToken: async (_app: unknown, o: { renew?: boolean } = {}) => (o.renew ? 'ghs_2' : 'ghs_1'),
};
const settings: ReviewSettings = { pullRequest: true, labels: [], reviewers: [] };
const config = (provider?: string) =>
  fleetConfig({
    gitUrl: 'https://github.com/acme/fleet.git',
    gitSecretRef: 'git',
    policies: [],
    ...(provider && { gitProvider: provider }),
  });

describe('Git and forge credentials for review mode', () => {
  it('uses a GitHub App installation token for Git (x-access-token) and renews it on request', async () => {
    const repository = config('github').gitRepositories[0];
    if (!repository) throw new Error('no repository');
    const auth = await resolveGitAuth({ secrets: secretsOf({ git: app }), githubApp: tokens }, repository);
    expect(auth.renewable).toBe(true);
    expect(await auth.credentials()).toEqual({
      kind: 'basic',
      username: 'x-access-token',
      password: 'ghs_1',
    });
    expect(await auth.credentials({ renew: true })).toMatchObject({ password: 'ghs_2' });
  });

  it('refuses app keys without provider github, and provider github without app keys, as Flux does', async () => {
    const generic = config().gitRepositories[0];
    const github = config('github').gitRepositories[0];
    if (!generic || !github) throw new Error('no repository');
    await expect(
      resolveGitAuth({ secrets: secretsOf({ git: app }), githubApp: tokens }, generic),
    ).rejects.toThrow(
      'GitRepository apps/fleet: Secret apps/git holds GitHub App keys; set spec.provider: github',
    );
    await expect(
      resolveGitAuth({ secrets: secretsOf({ git: { password: 'p' } }), githubApp: tokens }, github),
    ).rejects.toBeInstanceOf(InvalidConfigError);
    const basic = await resolveGitAuth(
      { secrets: secretsOf({ git: { username: 'u', password: 'p' } }) },
      generic,
    );
    expect([basic.renewable, await basic.credentials()]).toEqual([
      false,
      { kind: 'basic', username: 'u', password: 'p' },
    ]);
  });

  it('picks the API credential: forge-secret first, bearerToken, then password (PRIVATE-TOKEN on GitLab)', async () => {
    const { gitRepositories, imageUpdateAutomations } = config();
    const [repository, automation] = [gitRepositories[0], imageUpdateAutomations[0]];
    if (!repository || !automation) throw new Error('no objects');
    const secrets = secretsOf({ git: { password: 'glpat-x' }, api: { bearerToken: 'oauth-y' } });
    expect(
      await (await resolveForgeAuth({ secrets }, automation, repository, settings, 'gitlab')).credential(),
    ).toEqual({
      scheme: 'private-token',
      token: 'glpat-x',
    });
    expect(
      await (await resolveForgeAuth({ secrets }, automation, repository, settings, 'github')).credential(),
    ).toEqual({
      scheme: 'bearer',
      token: 'glpat-x',
    });
    const viaAnnotation = await resolveForgeAuth(
      { secrets },
      automation,
      repository,
      { ...settings, forgeSecret: 'api' },
      'gitlab',
    );
    expect(await viaAnnotation.credential()).toEqual({ scheme: 'bearer', token: 'oauth-y' });
  });
});
