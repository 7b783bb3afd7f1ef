import { describe, expect, it } from 'vitest';
import {
  hostOf,
  isoTime,
  isReleaseTag,
  splitReference,
} from '../../../lib/adapters/webhooks/image-reference.ts';
import { parseOciPurl } from '../../../lib/adapters/webhooks/oci-purl.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('splitReference', () => {
  it.each([
    ['ghcr.io/acme/web:v1', { registry: 'ghcr.io', repository: 'acme/web', tag: 'v1' }],
    ['ghcr.io/acme/web:', { registry: 'ghcr.io', repository: 'acme/web' }],
    ['localhost:5000/web', { registry: 'localhost:5000', repository: 'web' }],
    ['https://Quay.io/acme/web', { registry: 'quay.io', repository: 'acme/web' }],
    [
      `eu-docker.pkg.dev/p/r/web@${DIGEST}`,
      { registry: 'eu-docker.pkg.dev', repository: 'p/r/web', digest: DIGEST },
    ],
    ['harbor.example.com/team/web@sha256:bad!', { registry: 'harbor.example.com', repository: 'team/web' }],
    ['web:v1', undefined],
    ['/web', undefined],
    ['bad host!/web', undefined],
    ['ghcr.io/', undefined],
  ])('%s', (reference, expected) => {
    expect(splitReference(reference)).toEqual(expected);
  });
});

describe('small readers', () => {
  it('hostOf takes URLs and bare hosts', () => {
    expect(hostOf('https://acme.jfrog.io')).toBe('acme.jfrog.io');
    expect(hostOf('acme.jfrog.io:8443/artifactory')).toBe('acme.jfrog.io:8443');
    expect(hostOf('https://')).toBeUndefined();
  });

  it('isReleaseTag keeps release tags only', () => {
    expect(isReleaseTag('v1.4.2')).toBe(true);
    expect(isReleaseTag('')).toBe(false);
    expect(isReleaseTag(DIGEST)).toBe(false);
    expect(isReleaseTag(`sha256-${'ab'.repeat(32)}.att`)).toBe(false);
    expect(isReleaseTag('x'.repeat(129))).toBe(false);
  });

  it('isoTime reads unix seconds and dates, and nothing else', () => {
    expect(isoTime(1774016825)).toBe('2026-03-20T14:27:05.000Z');
    expect(isoTime('2026-03-20T14:27:05Z')).toBe('2026-03-20T14:27:05.000Z');
    expect(isoTime(1e20)).toBeUndefined();
    expect(isoTime('soon')).toBeUndefined();
    expect(isoTime({})).toBeUndefined();
  });
});

describe('parseOciPurl', () => {
  it('reads repository_url, tag and the encoded digest', () => {
    expect(
      parseOciPurl(
        `pkg:oci/web@sha256%3A${'ab'.repeat(32)}?repository_url=ghcr.io/acme/web&tag=v1.4.2&arch=amd64`,
      ),
    ).toEqual({ registry: 'ghcr.io', repository: 'acme/web', tag: 'v1.4.2', digest: DIGEST });
  });

  it('needs repository_url, and ignores other purl types and broken escapes', () => {
    expect(parseOciPurl('pkg:oci/web@sha256%3Aab?tag=v1')).toBeUndefined();
    expect(parseOciPurl('pkg:npm/web@1.0.0?repository_url=ghcr.io/acme/web')).toBeUndefined();
    expect(parseOciPurl('pkg:oci/web@%E0%A4%A?repository_url=ghcr.io/acme/web&tag=v1')).toEqual({
      registry: 'ghcr.io',
      repository: 'acme/web',
      tag: 'v1',
    });
  });
});
