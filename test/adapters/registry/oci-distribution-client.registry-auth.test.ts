import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryServer, startRegistry } from '../../../infra/peers/registry-server.ts';
import { pushImage } from '../../../infra/peers/skopeo.ts';
import {
  createOciRegistryClient,
  type RegistryRequestInfo,
} from '../../../lib/adapters/registry/oci-distribution-client.ts';
import { AuthError } from '../../../lib/domain/errors.ts';
import type { RegistryCredentials } from '../../../lib/ports/registry.ts';
import { repositoryAt } from './registry-repository.ts';

const recorder = () => {
  const requests: RegistryRequestInfo[] = [];
  const client = createOciRegistryClient({ onRequest: (info) => requests.push(info) });
  return { client, requests };
};

const basic = (registry: RegistryServer, password = registry.password ?? ''): RegistryCredentials => ({
  kind: 'basic',
  username: registry.username ?? '',
  password,
});

describe('OCI distribution client against an htpasswd registry', () => {
  let registry: RegistryServer;
  let pushed: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    pushed = await pushImage(registry, { repository: 'team/app', tag: '1.2.3' });
  });
  afterAll(() => registry?.stop());

  it('works with the right credentials and remembers that the registry wants Basic', async () => {
    const { client, requests } = recorder();
    const repo = repositoryAt(registry.host, 'team/app', basic(registry));
    expect(await client.resolveDigest(repo, '1.2.3')).toBe(pushed);
    expect(requests.map((r) => r.status)).toEqual([401, 200]);
    requests.length = 0;
    expect(await client.listTags(repo)).toEqual(['1.2.3']);
    expect(requests.map((r) => `${r.kind} ${r.status}`)).toEqual(['tags 200']);
  });

  it.each([
    ['wrong credentials', (r: RegistryServer) => basic(r, 'wrong')],
    ['no credentials', (): RegistryCredentials => ({ kind: 'anonymous' })],
  ])('refuses %s with AuthError naming registry and repository', async (_, credentials) => {
    const { client } = recorder();
    const error = await client
      .resolveDigest(repositoryAt(registry.host, 'team/app', credentials(registry)), '1.2.3')
      .catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toContain(`registry ${registry.host}, repository team/app`);
    expect(error.message).not.toContain('wrong');
    expect(JSON.stringify(error.toJSON())).not.toContain(registry.password);
  });
});

describe('OCI distribution client against a token-auth registry', () => {
  let registry: RegistryServer;
  let pushed: string;
  const identityToken = 'identity-token-for-tests';

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'token', identityTokens: [identityToken] });
    pushed = await pushImage(registry, { repository: 'team/app', tag: '1.2.3' });
  });
  afterAll(() => registry?.stop());

  it('fetches a pull token once and reuses it until it expires', async () => {
    const { client, requests } = recorder();
    const repo = repositoryAt(registry.host, 'team/app', basic(registry));
    expect(await client.resolveDigest(repo, '1.2.3')).toBe(pushed);
    expect(await client.listTags(repo)).toEqual(['1.2.3']);
    expect(await client.resolveDigest(repo, '1.2.3')).toBe(pushed);
    expect(requests.map((r) => `${r.kind} ${r.status}`)).toEqual([
      'manifest-head 401',
      'token 200',
      'manifest-head 200',
      'tags 200',
      'manifest-head 200',
    ]);
    const tokenUrl = new URL(requests[1]?.url ?? '');
    expect(tokenUrl.searchParams.get('scope')).toBe('repository:team/app:pull');
    expect(tokenUrl.searchParams.get('service')).toBe(registry.tokenServer?.service);
  });

  it('fetches a new token once the cached one has expired', async () => {
    let now = Date.now();
    const requests: RegistryRequestInfo[] = [];
    const client = createOciRegistryClient({ clock: () => now, onRequest: (info) => requests.push(info) });
    const repo = repositoryAt(registry.host, 'team/app', basic(registry));
    await client.resolveDigest(repo, '1.2.3');
    now += 301_000; // the test token service issues 300 s tokens
    await client.resolveDigest(repo, '1.2.3');
    expect(requests.filter((r) => r.kind === 'token')).toHaveLength(2);
  });

  it('exchanges an identity token with the refresh-token grant', async () => {
    const { client, requests } = recorder();
    const repo = repositoryAt(registry.host, 'team/app', { kind: 'identity-token', token: identityToken });
    expect(await client.resolveDigest(repo, '1.2.3')).toBe(pushed);
    expect(requests.find((r) => r.kind === 'token')).toMatchObject({ method: 'POST', status: 200 });
    expect(requests.find((r) => r.kind === 'token')?.url).not.toContain(identityToken);
  });

  it.each([
    ['wrong credentials', (r: RegistryServer): RegistryCredentials => basic(r, 'wrong')],
    ['no credentials', (): RegistryCredentials => ({ kind: 'anonymous' })],
    ['an unknown identity token', (): RegistryCredentials => ({ kind: 'identity-token', token: 'nope' })],
  ])('refuses %s with AuthError', async (_, credentials) => {
    const { client } = recorder();
    const error = await client
      .listTags(repositoryAt(registry.host, 'team/app', credentials(registry)))
      .catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toContain(`registry ${registry.host}, repository team/app`);
  });
});
