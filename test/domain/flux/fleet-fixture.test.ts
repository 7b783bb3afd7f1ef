import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { secretText } from '../../../lib/domain/flux/decode-secret.ts';
import { parseManifests } from '../../../lib/domain/flux/parse-manifests.ts';
import type { FluxConfig } from '../../../lib/domain/flux/types.ts';

// A fleet repository as `flux bootstrap` and a few teams would leave it: namespaces, v1 and v1beta2
// mixed, a List of Secrets, a Deployment and a Kustomization that are not ours.
const root = fileURLToPath(new URL('../../fixtures/config/fleet', import.meta.url));
const listYaml = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listYaml(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
const files = listYaml(root)
  .map((path) => ({ path: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }))
  .sort((a, b) => (a.path < b.path ? -1 : 1));

const load = parseManifests(files);
const named = <T extends { metadata: { namespace: string; name: string } }>(
  list: readonly T[],
  id: string,
): T => {
  const found = list.find((o) => `${o.metadata.namespace}/${o.metadata.name}` === id);
  if (!found) throw new Error(`${id} not loaded`);
  return found;
};
const config: FluxConfig = load.config;

describe('parseManifests on a fleet repository', () => {
  it('loads without errors and warns about what it skips', () => {
    expect(load.errors.map((issue) => issue.format())).toEqual([]);
    // The fixture keeps three v1beta2 objects on purpose: read, with Flux 2.9's removal explained.
    const removed =
      'apiVersion: image.toolkit.fluxcd.io/v1beta2 was removed in Flux 2.9 and a Flux 2.9 cluster refuses it; still read here. Change apiVersion to image.toolkit.fluxcd.io/v1: the fields are the same';
    expect(load.warnings.map((issue) => issue.format())).toEqual([
      `apps/automation.yaml: document 2 (ImageUpdateAutomation apps/apps): ${removed}`,
      'apps/podinfo/deployment.yaml: document 1 (Deployment apps/podinfo): apps/v1 Deployment is not used by image-automation; skipped',
      `apps/podinfo/image-repository.yaml: document 1 (ImageRepository apps/podinfo): ${removed}`,
      `apps/web/images.yml: document 1 (ImageRepository apps/web): ${removed}`,
      'clusters/production/flux-system/gotk-sync.yaml: document 1 (GitRepository flux-system/flux-system): spec.secretRef: Secret flux-system/flux-system is not among the loaded Secrets',
      'clusters/production/flux-system/gotk-sync.yaml: document 2 (Kustomization flux-system/flux-system): kustomize.toolkit.fluxcd.io/v1 Kustomization is not used by image-automation; skipped',
    ]);
  });

  it('counts every kind', () => {
    const ids = (list: readonly { metadata: { namespace: string; name: string } }[]) =>
      list.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(ids(config.gitRepositories)).toEqual(['apps/fleet', 'flux-system/flux-system']);
    expect(ids(config.imageRepositories)).toEqual(['apps/podinfo', 'apps/web', 'flux-system/controller']);
    expect(ids(config.imagePolicies)).toEqual([
      'apps/podinfo',
      'apps/web',
      'apps/web-stable',
      'flux-system/controller',
    ]);
    expect(ids(config.imageUpdateAutomations)).toEqual(['apps/apps', 'flux-system/flux-system']);
    expect(ids(config.receivers)).toEqual(['apps/dockerhub']);
    expect(ids(config.secrets)).toEqual(['apps/receiver-token', 'apps/dockerhub', 'apps/git-credentials']);
  });

  it('canonicalises images and applies ImageRepository defaults', () => {
    const podinfo = named(config.imageRepositories, 'apps/podinfo');
    expect(podinfo.apiVersion).toBe('image.toolkit.fluxcd.io/v1beta2');
    expect(podinfo.metadata.labels).toEqual({ team: 'web' });
    expect(podinfo.spec).toEqual({
      image: 'ghcr.io/stefanprodan/podinfo',
      imageName: {
        original: 'ghcr.io/stefanprodan/podinfo',
        registry: 'ghcr.io',
        repository: 'stefanprodan/podinfo',
        canonical: 'ghcr.io/stefanprodan/podinfo',
      },
      interval: { text: '5m', milliseconds: 300_000 },
      timeout: { text: '5m', milliseconds: 300_000 },
      exclusionList: ['^.*\\.sig$'],
      provider: 'generic',
      insecure: false,
      suspend: false,
    });
    const web = named(config.imageRepositories, 'apps/web');
    expect(web.spec.imageName.canonical).toBe('index.docker.io/library/nginx');
    expect(web.spec.exclusionList).toEqual(['^.*-rc\\d+$']);
    expect(web.spec.secretRef).toEqual({ name: 'dockerhub' });
    const ecr = named(config.imageRepositories, 'flux-system/controller');
    expect(ecr.spec.provider).toBe('aws');
    expect(ecr.spec.timeout).toEqual({ text: '2m', milliseconds: 120_000 });
    expect(ecr.spec.imageName.canonical).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/controller',
    );
  });

  it('types ImagePolicies with defaults and locations', () => {
    const podinfo = named(config.imagePolicies, 'apps/podinfo');
    expect(podinfo.spec).toEqual({
      imageRepositoryRef: { name: 'podinfo', namespace: 'apps' },
      policy: { kind: 'semver', range: '6.x' },
      digestReflectionPolicy: 'IfNotPresent',
      suspend: false,
    });
    expect(podinfo.source).toEqual({ file: 'apps/podinfo/image-policy.yaml', document: 1 });
    const web = named(config.imagePolicies, 'apps/web');
    expect(web.spec.policy).toEqual({ kind: 'numerical', order: 'asc' });
    expect(web.spec.filterTags).toEqual({ pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$', extract: '$ts' });
    expect(web.spec.digestReflectionPolicy).toBe('Never');
    // The empty second document still counts.
    expect(web.source).toEqual({ file: 'apps/web/images.yml', document: 3 });
    const stable = named(config.imagePolicies, 'apps/web-stable');
    expect(stable.spec.policy).toEqual({ kind: 'alphabetical', order: 'asc' });
    expect(stable.spec.interval).toEqual({ text: '15m', milliseconds: 900_000 });
  });

  it('types ImageUpdateAutomations with defaults', () => {
    const apps = named(config.imageUpdateAutomations, 'apps/apps');
    expect(apps.spec).toEqual({
      sourceRef: { kind: 'GitRepository', name: 'fleet', namespace: 'apps' },
      interval: { text: '1h', milliseconds: 3_600_000 },
      git: {
        checkout: { ref: { branch: 'main' } },
        commit: {
          author: { email: 'bot@example.com' },
          messageTemplate: 'Update images in {{ .AutomationObject }}',
          messageTemplateValues: { env: 'production' },
        },
        push: { branch: 'image-updates', options: { 'merge_request.create': '' } },
      },
      policySelector: {
        matchLabels: { automation: 'apps' },
        matchExpressions: [{ key: 'frozen', operator: 'DoesNotExist', values: [] }],
      },
      update: { strategy: 'Setters', path: 'apps' },
      suspend: false,
    });
    const system = named(config.imageUpdateAutomations, 'flux-system/flux-system');
    expect(system.spec.update).toEqual({ strategy: 'Setters', path: 'clusters/production' });
    expect(system.spec.git.commit.author).toEqual({
      name: 'fluxcdbot',
      email: 'fluxcdbot@users.noreply.github.com',
    });
    expect(system.spec.git.commit.messageTemplateValues).toEqual({});
  });

  it('types GitRepositories, Receivers and Secrets', () => {
    expect(named(config.gitRepositories, 'flux-system/flux-system').spec).toEqual({
      url: 'ssh://git@github.com/example/fleet',
      ref: { branch: 'main' },
      secretRef: { name: 'flux-system' },
      provider: 'generic',
      interval: { text: '1m0s', milliseconds: 60_000 },
      timeout: { text: '60s', milliseconds: 60_000 },
      suspend: false,
    });
    expect(named(config.receivers, 'apps/dockerhub').spec).toEqual({
      type: 'dockerhub',
      secretRef: { name: 'receiver-token' },
      resources: [
        { apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImageRepository', name: 'web', namespace: 'apps' },
        { kind: 'ImageRepository', name: '*', namespace: 'apps', matchLabels: { team: 'web' } },
      ],
      events: [],
      interval: { text: '10m', milliseconds: 600_000 },
      suspend: false,
    });
    const git = named(config.secrets, 'apps/git-credentials');
    expect(git.type).toBe('Opaque');
    expect(git.source).toEqual({ file: 'apps/secrets.yaml', document: 1, item: 2 });
    expect(secretText(git, 'username')).toBe('git');
    expect(secretText(git, 'password')).toBe('hunter2');
    const docker = named(config.secrets, 'apps/dockerhub');
    expect(docker.type).toBe('kubernetes.io/dockerconfigjson');
    expect(secretText(docker, '.dockerconfigjson')).toBe('{"auths":{}}');
  });
});
