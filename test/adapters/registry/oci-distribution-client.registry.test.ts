import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOciLayout } from '../../../infra/peers/oci-image.ts';
import { type RegistryServer, startRegistry } from '../../../infra/peers/registry-server.ts';
import { scratchDir } from '../../../infra/peers/scratch-dir.ts';
import { pushImage } from '../../../infra/peers/skopeo.ts';
import {
  createOciRegistryClient,
  type RegistryRequestInfo,
} from '../../../lib/adapters/registry/oci-distribution-client.ts';
import { NotFoundError } from '../../../lib/domain/errors.ts';
import { repositoryAt } from './registry-repository.ts';

// A real distribution 2.8.2 registry, images pushed by skopeo: what the client sees is what Flux would.
describe('OCI distribution client against a real registry', () => {
  let registry: RegistryServer;
  const digests: Record<string, string> = {};
  const tags = ['1.2.3', '1.2.4', '1.10.0', '0.9.0-rc.1', 'latest', '2.0.0'];

  beforeAll(async () => {
    registry = await startRegistry();
    for (const tag of ['1.2.3', '1.2.4', '1.10.0', '0.9.0-rc.1']) {
      digests[tag] = await pushImage(registry, { repository: 'team/app', tag });
    }
    digests.latest = await pushImage(registry, { repository: 'team/app', tag: 'latest', marker: '1.2.3' });
    digests['2.0.0'] = await pushImage(registry, { repository: 'team/app', tag: '2.0.0', mode: 'multi' });
  });
  afterAll(() => registry?.stop());

  const recorder = () => {
    const requests: RegistryRequestInfo[] = [];
    const client = createOciRegistryClient({ onRequest: (info) => requests.push(info) });
    return { client, requests };
  };

  it('lists every tag, in whatever order the registry returns them', async () => {
    const { client } = recorder();
    const listed = await client.listTags(repositoryAt(registry.host, 'team/app'));
    expect([...listed].sort()).toEqual([...tags].sort());
  });

  it('resolves a tag to the digest skopeo pushed, which is the layout manifest digest', async () => {
    const scratch = await scratchDir();
    try {
      const layout = await buildOciLayout(scratch.path, { tag: '1.2.3', mode: 'single', marker: '1.2.3' });
      const { client } = recorder();
      const digest = await client.resolveDigest(repositoryAt(registry.host, 'team/app'), '1.2.3');
      expect(digest).toBe(digests['1.2.3']);
      expect(digest).toBe(layout.digest);
      expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    } finally {
      await scratch.remove();
    }
  });

  it('gives a retag (same marker, new tag) the same digest', async () => {
    const { client } = recorder();
    const repo = repositoryAt(registry.host, 'team/app');
    expect(await client.resolveDigest(repo, 'latest')).toBe(await client.resolveDigest(repo, '1.2.3'));
    expect(digests['1.2.4']).not.toBe(digests['1.2.3']);
  });

  it('pins the index digest of a multi-arch image, not a platform manifest', async () => {
    const scratch = await scratchDir();
    try {
      const index = await buildOciLayout(scratch.path, { tag: '2.0.0', mode: 'multi', marker: '2.0.0' });
      const { client } = recorder();
      const digest = await client.resolveDigest(repositoryAt(registry.host, 'team/app'), '2.0.0');
      expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      expect(digest).toBe(index.digest);
      expect(digest).toBe(digests['2.0.0']);
    } finally {
      await scratch.remove();
    }
  });

  it('uses exactly one HEAD and no manifest GET for one resolution', async () => {
    const { client, requests } = recorder();
    await client.resolveDigest(repositoryAt(registry.host, 'team/app'), '1.2.4');
    expect(requests).toEqual([
      {
        method: 'HEAD',
        url: `${registry.url}/v2/team/app/manifests/1.2.4`,
        kind: 'manifest-head',
        status: 200,
      },
    ]);
    expect(requests.filter((r) => r.method === 'GET' && r.url.includes('/manifests/'))).toHaveLength(0);
  });

  it('reports a missing tag as NotFoundError naming registry and repository', async () => {
    const { client } = recorder();
    const error = await client
      .resolveDigest(repositoryAt(registry.host, 'team/app'), '9.9.9')
      .catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain(registry.host);
    expect(error.message).toContain('team/app');
    expect(error.message).toContain('9.9.9');
    expect(error.data).toMatchObject({ registry: registry.host, repository: 'team/app', status: 404 });
  });

  it('reports a missing repository as NotFoundError with the registry error code', async () => {
    const { client } = recorder();
    const repo = repositoryAt(registry.host, 'team/nothing-here');
    const listError = await client.listTags(repo).catch((e) => e);
    expect(listError).toBeInstanceOf(NotFoundError);
    expect(listError.message).toContain('NAME_UNKNOWN');
    expect(listError.message).toContain(`registry ${registry.host}, repository team/nothing-here`);
    expect(listError.data.registryErrorCodes).toEqual(['NAME_UNKNOWN']);
    await expect(client.resolveDigest(repo, '1.0.0')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('stops when the caller aborts', async () => {
    const { client } = recorder();
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    await expect(
      client.listTags(repositoryAt(registry.host, 'team/app'), { signal: controller.signal }),
    ).rejects.toThrow('caller gave up');
  });
});
