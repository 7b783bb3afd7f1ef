import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../lib/domain/errors.ts';
import { registryCredentialsFromSecret } from '../../lib/domain/registry-credentials.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const dockerConfig = (auths: Record<string, unknown>) => ({ '.dockerconfigjson': JSON.stringify({ auths }) });

const basic = (username: string, password: string) => ({ kind: 'basic', username, password });
const anonymous = { kind: 'anonymous' };

describe('registryCredentialsFromSecret', () => {
  it.each([
    [
      'auth field, exact host',
      dockerConfig({ 'ghcr.io': { auth: b64('bot:pat') } }),
      'ghcr.io',
      undefined,
      basic('bot', 'pat'),
    ],
    [
      'password containing a colon',
      dockerConfig({ 'ghcr.io': { auth: b64('bot:a:b') } }),
      'ghcr.io',
      undefined,
      basic('bot', 'a:b'),
    ],
    [
      'username/password fields',
      dockerConfig({ 'ghcr.io': { username: 'u', password: 'p' } }),
      'ghcr.io',
      undefined,
      basic('u', 'p'),
    ],
    [
      'auth wins over username/password',
      dockerConfig({ 'ghcr.io': { auth: b64('a:b'), username: 'u', password: 'p' } }),
      'ghcr.io',
      undefined,
      basic('a', 'b'),
    ],
    [
      'identity token',
      dockerConfig({
        'acr.azurecr.io': { auth: b64('00000000-0000-0000-0000-000000000000:'), identitytoken: 'refresh' },
      }),
      'acr.azurecr.io',
      undefined,
      { kind: 'identity-token', token: 'refresh' },
    ],
    [
      'URL key with scheme and path',
      dockerConfig({ 'https://registry.example.com:5000/v2/': { auth: b64('u:p') } }),
      'registry.example.com:5000',
      undefined,
      basic('u', 'p'),
    ],
    [
      'port must match',
      dockerConfig({ 'registry.example.com:5000': { auth: b64('u:p') } }),
      'registry.example.com',
      undefined,
      anonymous,
    ],
    [
      'host match is case-insensitive',
      dockerConfig({ 'GHCR.io': { auth: b64('u:p') } }),
      'ghcr.io',
      undefined,
      basic('u', 'p'),
    ],
    [
      'no entry for the host',
      dockerConfig({ 'quay.io': { auth: b64('u:p') } }),
      'ghcr.io',
      undefined,
      anonymous,
    ],
    ['empty entry', dockerConfig({ 'ghcr.io': {} }), 'ghcr.io', undefined, anonymous],
    ['no auths field', { '.dockerconfigjson': '{}' }, 'ghcr.io', undefined, anonymous],
    [
      'wildcard host matches one label',
      dockerConfig({ '*.gcr.io': { auth: b64('_json_key:k') } }),
      'eu.gcr.io',
      undefined,
      basic('_json_key', 'k'),
    ],
    [
      'wildcard host does not match two labels',
      dockerConfig({ '*.gcr.io': { auth: b64('u:p') } }),
      'a.b.gcr.io',
      undefined,
      anonymous,
    ],
    [
      'exact host beats wildcard',
      dockerConfig({ '*.example.com': { auth: b64('w:w') }, 'r.example.com': { auth: b64('e:e') } }),
      'r.example.com',
      undefined,
      basic('e', 'e'),
    ],
    [
      'longest path prefix wins',
      dockerConfig({ 'ghcr.io': { auth: b64('org:o') }, 'ghcr.io/team': { auth: b64('team:t') } }),
      'ghcr.io',
      'team/app',
      basic('team', 't'),
    ],
    [
      'path prefix needs a repository under it',
      dockerConfig({ 'ghcr.io/team': { auth: b64('team:t') } }),
      'ghcr.io',
      'teamster/app',
      anonymous,
    ],
    [
      'legacy .dockercfg',
      { '.dockercfg': JSON.stringify({ 'quay.io': { auth: b64('robot:t') } }) },
      'quay.io',
      undefined,
      basic('robot', 't'),
    ],
    [
      'plain username/password keys',
      { username: 'git', password: 'tok' },
      'ghcr.io',
      undefined,
      basic('git', 'tok'),
    ],
    ['empty Secret', {}, 'ghcr.io', undefined, anonymous],
  ])('%s', (_, data, registry, repository, expected) => {
    expect(registryCredentialsFromSecret(data, registry, repository)).toEqual(expected);
  });

  describe('Docker Hub aliases all match each other', () => {
    const keys = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1/'];
    const hosts = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];
    it.each(keys.flatMap((key) => hosts.map((host) => [key, host])))('key %s matches %s', (key, host) => {
      expect(registryCredentialsFromSecret(dockerConfig({ [key]: { auth: b64('hub:pat') } }), host)).toEqual(
        basic('hub', 'pat'),
      );
    });
  });

  it.each([
    ['invalid JSON', { '.dockerconfigjson': '{"auths": {"ghcr.io": {"auth": "c2VjcmV0"' }, /not valid JSON/],
    ['auths not an object', { '.dockerconfigjson': '{"auths": []}' }, /not an object/],
    ['auth not base64', dockerConfig({ 'ghcr.io': { auth: '%%%' } }), /not valid base64/],
    [
      'auth without a colon',
      dockerConfig({ 'ghcr.io': { auth: b64('no-colon-secret') } }),
      /must encode "username:password"/,
    ],
  ])('rejects %s with InvalidConfigError that quotes no secret', (_, data, message) => {
    let error: unknown;
    try {
      registryCredentialsFromSecret(data, 'ghcr.io');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/secret|c2VjcmV0/);
  });
});
