import { describe, expect, it } from 'vitest';
import { createRegistryRouter } from '../../../lib/adapters/registry/registry-router.ts';
import type { RegistryClient, RegistryRepository } from '../../../lib/ports/registry.ts';

const named = (name: string, seen: string[]): RegistryClient => ({
  listTags: async (repo) => {
    seen.push(`${name} listTags ${repo.repository}`);
    return [name];
  },
  resolveDigest: async (repo, tag) => {
    seen.push(`${name} resolveDigest ${repo.repository}:${tag}`);
    return `sha256:${name}`;
  },
});

const repo = (provider: RegistryRepository['provider']): RegistryRepository => ({
  registry: 'example.com',
  repository: provider,
  insecure: false,
  provider,
  credentials: { kind: 'anonymous' },
});

describe('registry router', () => {
  it.each([
    ['aws', 'ecr'],
    ['generic', 'oci'],
    ['azure', 'oci'],
    ['gcp', 'oci'],
  ] as const)('sends provider %s to the %s client', async (provider, expected) => {
    const seen: string[] = [];
    const router = createRegistryRouter({ oci: named('oci', seen), ecr: named('ecr', seen) });
    expect(await router.listTags(repo(provider))).toEqual([expected]);
    expect(await router.resolveDigest(repo(provider), '1.0')).toBe(`sha256:${expected}`);
    expect(seen).toEqual([`${expected} listTags ${provider}`, `${expected} resolveDigest ${provider}:1.0`]);
  });
});
