import { describe, expect, it } from 'vitest';
import { buildSetters } from '../../../lib/domain/markers/setters.ts';

const digest = `sha256:${'ab'.repeat(32)}`;

describe('buildSetters', () => {
  it('registers the four setters of a policy without a digest', () => {
    const table = buildSetters([
      { namespace: 'apps', name: 'web', latestRef: { name: 'ghcr.io/acme/web', tag: '1.10' } },
    ]);

    expect(Object.fromEntries(table)).toEqual({
      'apps:web': 'ghcr.io/acme/web:1.10',
      'apps:web:tag': '1.10',
      'apps:web:name': 'ghcr.io/acme/web',
      'apps:web:digest': '',
    });
  });

  it('pins the digest in the full setter when the policy reflects one', () => {
    const table = buildSetters([
      { namespace: 'apps', name: 'api', latestRef: { name: 'registry.example.com/api', tag: 'v2', digest } },
    ]);

    expect(table.get('apps:api')).toBe(`registry.example.com/api:v2@${digest}`);
    expect(table.get('apps:api:digest')).toBe(digest);
    expect(table.get('apps:api:tag')).toBe('v2');
  });

  it('keeps policies of different namespaces apart and lets a later duplicate win', () => {
    const table = buildSetters([
      { namespace: 'a', name: 'p', latestRef: { name: 'img', tag: '1' } },
      { namespace: 'b', name: 'p', latestRef: { name: 'img', tag: '2' } },
      { namespace: 'a', name: 'p', latestRef: { name: 'img', tag: '3' } },
    ]);

    expect(table.get('a:p:tag')).toBe('3');
    expect(table.get('b:p:tag')).toBe('2');
    expect(table.size).toBe(8);
  });

  it('is empty without policies', () => {
    expect(buildSetters([]).size).toBe(0);
  });
});
