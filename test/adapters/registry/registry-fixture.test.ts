import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryServer, startRegistry } from '../../../infra/peers/registry-server.ts';
import { pushImage } from '../../../infra/peers/skopeo.ts';
import { createOciRegistryClient } from '../../../lib/adapters/registry/oci-distribution-client.ts';
import { repositoryAt } from './registry-repository.ts';
import { json, type StubRegistry, startStubRegistry } from './stub-registry.ts';

interface Envelope {
  events: {
    id: string;
    action: string;
    target: { mediaType: string; digest: string; tag?: string; repository: string };
  }[];
}

const waitFor = async (condition: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

// The fixture other suites rely on: notifications reach the sink with our headers, and only manifest
// pushes are sent (blob and pull events are ignored by the endpoint config).
describe('registry fixture with notifications', () => {
  let sink: StubRegistry;
  let registry: RegistryServer;

  beforeAll(async () => {
    sink = await startStubRegistry((_, response) => json(response, 200, {}));
    registry = await startRegistry({
      notify: { url: `${sink.url}/registry-events`, headers: { Authorization: ['Bearer notify-secret'] } },
    });
  });
  afterAll(async () => {
    await registry?.stop();
    await sink?.stop();
  });

  it('delivers one push event per tag push, none for blobs or pulls', async () => {
    const digest = await pushImage(registry, { repository: 'team/app', tag: '1.0.0' });
    await waitFor(() => sink.requests.length >= 1);
    await createOciRegistryClient().resolveDigest(repositoryAt(registry.host, 'team/app'), '1.0.0');
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for an unwanted pull event

    const events = sink.requests.flatMap((r) => (JSON.parse(r.body) as Envelope).events);
    expect(events.map((e) => [e.action, e.target.tag, e.target.digest, e.target.repository])).toEqual([
      ['push', '1.0.0', digest, 'team/app'],
    ]);
    expect(sink.requests[0]?.headers.authorization).toBe('Bearer notify-secret');
    expect(sink.requests[0]?.headers['content-type']).toBe(
      'application/vnd.docker.distribution.events.v1+json',
    );
  });

  it('sends the index push (and tagless child pushes) for a multi-arch image', async () => {
    sink.requests.length = 0;
    const digest = await pushImage(registry, { repository: 'team/app', tag: '2.0.0', mode: 'multi' });
    const events = () => sink.requests.flatMap((r) => (JSON.parse(r.body) as Envelope).events);
    await waitFor(() => events().some((e) => e.target.tag === '2.0.0'));
    const tagged = events().filter((e) => e.target.tag !== undefined);
    expect(tagged.map((e) => [e.target.tag, e.target.digest, e.target.mediaType])).toEqual([
      ['2.0.0', digest, 'application/vnd.oci.image.index.v1+json'],
    ]);
    const children = events().filter((e) => e.action === 'push' && e.target.tag === undefined);
    expect(children.map((e) => e.target.mediaType)).toEqual([
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.oci.image.manifest.v1+json',
    ]);
  });
});
