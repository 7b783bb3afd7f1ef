import { describe, expect, it } from 'vitest';
import {
  AWS_ROLE_ANNOTATION,
  createAnnotatedRoleRegistry,
} from '../../../lib/adapters/registry/annotated-role-registry.ts';
import { parseManifests } from '../../../lib/domain/flux/parse-manifests.ts';
import type { RegistryClient, RegistryRepository } from '../../../lib/ports/registry.ts';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const ROLE_A = 'arn:aws:iam::210987654321:role/tenant-a-ecr-read';

const imageRepository = (
  name: string,
  image: string,
  role?: string,
  provider = 'aws',
) => `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata:
  name: ${name}
  namespace: tenants${role ? `\n  annotations: {${AWS_ROLE_ANNOTATION}: "${role}"}` : ''}
spec: {image: ${image}, interval: 1h, provider: ${provider}}`;

const configOf = (...docs: string[]) => {
  const load = parseManifests([{ path: 'repos.yaml', text: docs.join('\n---\n') }]);
  if (load.errors.length > 0) throw new Error(load.errors.map((e) => e.format()).join('\n'));
  return load.config;
};

const recording = () => {
  const seen: RegistryRepository[] = [];
  const inner: RegistryClient = {
    listTags: async (repo) => {
      seen.push(repo);
      return [];
    },
    resolveDigest: async (repo) => {
      seen.push(repo);
      return `sha256:${'0'.repeat(64)}`;
    },
  };
  return { seen, inner };
};

const repo = (repository: string, provider: RegistryRepository['provider'] = 'aws'): RegistryRepository => ({
  registry: ECR,
  repository,
  insecure: false,
  provider,
  credentials: { kind: 'anonymous' },
});

describe('annotated role registry', () => {
  it('puts the annotated role on calls for that ECR repository, and nothing on others', async () => {
    const { seen, inner } = recording();
    const registry = createAnnotatedRoleRegistry(
      configOf(
        imageRepository('a', `${ECR}/tenant-a/web`, ROLE_A),
        imageRepository('b', `${ECR}/tenant-b/web`),
      ),
      inner,
    );
    await registry.listTags(repo('tenant-a/web'));
    await registry.resolveDigest(repo('tenant-a/web'), '1.0.0');
    await registry.listTags(repo('tenant-b/web'));
    expect(seen.map((r) => r.roleArn)).toEqual([ROLE_A, ROLE_A, undefined]);
  });

  it('leaves generic registries alone even when annotated', async () => {
    const { seen, inner } = recording();
    const registry = createAnnotatedRoleRegistry(
      configOf(imageRepository('g', 'ghcr.io/acme/web', ROLE_A, 'generic')),
      inner,
    );
    await registry.listTags({ ...repo('acme/web', 'generic'), registry: 'ghcr.io' });
    expect(seen[0]?.roleArn).toBeUndefined();
  });

  it('refuses two different roles for one image with a configuration error', async () => {
    const { inner } = recording();
    const registry = createAnnotatedRoleRegistry(
      configOf(
        imageRepository('a', `${ECR}/shared/web`, ROLE_A),
        imageRepository('b', `${ECR}/shared/web`, 'arn:aws:iam::210987654321:role/other'),
      ),
      inner,
    );
    await expect(registry.listTags(repo('shared/web'))).rejects.toMatchObject({ code: 'InvalidConfig' });
  });
});
