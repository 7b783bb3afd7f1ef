import { describe, expect, it } from 'vitest';
import { registryMatchesProvider } from '../../../lib/domain/flux/provider-host.ts';
import type { RegistryProvider } from '../../../lib/domain/flux/types.ts';
import { build, loadText, yamlOf } from './builders.ts';

const loadImage = (image: string, provider?: RegistryProvider) => {
  const load = loadText(yamlOf(build('repo', { spec: { image, ...(provider && { provider }) } })));
  return {
    canonical: load.config.imageRepositories[0]?.spec.imageName.canonical,
    errors: load.errors.map((issue) => `${issue.field}: ${issue.message}`),
  };
};

describe('ImageRepository spec.image (image-reflector-controller internal/registry/helper.go)', () => {
  it.each([
    ['alpine', 'index.docker.io/library/alpine'],
    ['org/app', 'index.docker.io/org/app'],
    ['docker.io/library/alpine', 'index.docker.io/library/alpine'],
    ['docker.io/alpine', 'index.docker.io/library/alpine'],
    ['ghcr.io/org/app', 'ghcr.io/org/app'],
    ['host:5000/app', 'host:5000/app'],
    ['localhost/team/app', 'localhost/team/app'],
    ['registry.example.com/a/b/c', 'registry.example.com/a/b/c'],
  ])('%s → %s', (image, canonical) => {
    expect(loadImage(image)).toEqual({ canonical, errors: [] });
  });

  it.each([
    [
      'https://ghcr.io/org/app',
      'spec.image: "https://ghcr.io/org/app" should not include URL scheme; remove it',
    ],
    [
      'alpine:3',
      'spec.image: "alpine:3" should not include a tag or digest; set it in the ImagePolicy instead',
    ],
    [
      'host:5000/app:1.0',
      'spec.image: "host:5000/app:1.0" should not include a tag or digest; set it in the ImagePolicy instead',
    ],
    [
      'ghcr.io/org/app@sha256:0000000000000000000000000000000000000000000000000000000000000000',
      'spec.image: "ghcr.io/org/app@sha256:0000000000000000000000000000000000000000000000000000000000000000" should not include a tag or digest; set it in the ImagePolicy instead',
    ],
    [
      'ghcr.io/Org/App',
      'spec.image: "ghcr.io/Org/App" is not a valid repository name (lowercase letters, digits and separators . _ __ - only)',
    ],
    [' alpine', 'spec.image: " alpine" is not a valid image name'],
  ])('%s is refused', (image, error) => {
    expect(loadImage(image).errors).toEqual([error]);
  });
});

describe('provider must match the registry host (Flux 2.6+, fluxcd/pkg auth/*/provider.go)', () => {
  it.each<[RegistryProvider, string, boolean]>([
    ['aws', '123456789012.dkr.ecr.us-east-1.amazonaws.com', true],
    ['aws', '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', true],
    ['aws', '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', true],
    ['aws', '123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov', true],
    ['aws', '123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', true],
    ['aws', '123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk', true],
    ['aws', '123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov', true],
    ['aws', 'public.ecr.aws', true],
    ['aws', 'ghcr.io', false],
    ['aws', 'ecr.aws', false],
    ['aws', '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example', false],
    ['aws', 'evil.example/123456789012.dkr.ecr.us-east-1.amazonaws.com', false],
    ['azure', 'myregistry.azurecr.io', true],
    ['azure', 'myregistry.azurecr.cn', true],
    ['azure', 'myregistry.azurecr.de', true],
    ['azure', 'myregistry.azurecr.us', true],
    ['azure', 'azurecr.io', false],
    ['azure', 'myregistry.azurecrXio', false],
    ['gcp', 'gcr.io', true],
    ['gcp', 'eu.gcr.io', true],
    ['gcp', 'europe-west1-docker.pkg.dev', true],
    ['gcp', 'docker.pkg.dev', false],
    ['gcp', 'ghcr.io', false],
    ['generic', 'anything.example', true],
  ])('%s + %s → %s', (provider, registry, matches) => {
    expect(registryMatchesProvider(provider, registry)).toBe(matches);
  });

  it.each([
    [
      'aws',
      'ghcr.io/org/app',
      `spec.provider: provider aws needs an Amazon ECR host (<account>.dkr.ecr.<region>.amazonaws.com, its -fips and China forms, or public.ecr.aws), but the image's registry is "ghcr.io"; use provider generic (with secretRef) for other registries`,
    ],
    [
      'gcp',
      'alpine',
      `spec.provider: provider gcp needs a Google registry host (gcr.io, *.gcr.io or <location>-docker.pkg.dev), but the image's registry is "index.docker.io"; use provider generic (with secretRef) for other registries`,
    ],
  ] as const)('%s with %s is an error', (provider, image, error) => {
    expect(loadImage(image, provider).errors).toEqual([error]);
  });

  it('accepts public ECR with provider aws', () => {
    expect(loadImage('public.ecr.aws/org/app', 'aws')).toEqual({
      canonical: 'public.ecr.aws/org/app',
      errors: [],
    });
  });
});
