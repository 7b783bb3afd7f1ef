import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../lib/domain/flux/parse-manifests.ts';
import { build, formatted, loadText, yamlOf } from './builders.ts';

describe('parseManifests: documents', () => {
  it('skips empty documents but counts them', () => {
    const text = `---\n# nothing here\n---\n${yamlOf(build('repo'))}\n---\n`;
    const load = loadText(text);
    expect(formatted(load)).toEqual({ errors: [], warnings: [] });
    expect(load.config.imageRepositories[0]?.source).toEqual({ file: 'clusters/apps.yaml', document: 2 });
  });

  it('names the line of a YAML syntax error and keeps loading the other documents', () => {
    const text = [
      'apiVersion: image.toolkit.fluxcd.io/v1',
      'kind: ImagePolicy',
      'metadata:',
      '  name: web',
      'spec:',
      '  policy: semver: {range: 1.x}',
      '---',
      yamlOf(build('repo')),
    ].join('\n');
    const load = loadText(text);
    expect(formatted(load).errors).toEqual([
      'clusters/apps.yaml:6:11: document 1: invalid YAML: Nested mappings are not allowed in compact mappings',
    ]);
    expect(load.config.imageRepositories).toHaveLength(1);
  });

  it('reports duplicate keys as YAML errors', () => {
    const load = loadText('kind: ImagePolicy\nkind: ImageRepository\n');
    expect(formatted(load).errors).toEqual([
      'clusters/apps.yaml:2:1: document 1: invalid YAML: Map keys must be unique',
    ]);
  });

  it('expands kind: List and locates item problems', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [build('repo'), build('policy', { spec: { policy: { semver: undefined } } })],
    };
    const load = loadText(yamlOf(list));
    expect(formatted(load).errors).toEqual([
      'clusters/apps.yaml: document 1 (ImagePolicy apps/web): items[1].spec.policy: must set exactly one of semver, alphabetical or numerical',
    ]);
    expect(load.config.imageRepositories[0]?.source).toEqual({
      file: 'clusters/apps.yaml',
      document: 1,
      item: 0,
    });
  });

  it('honours YAML anchors and merge keys', () => {
    const text = [
      'apiVersion: image.toolkit.fluxcd.io/v1',
      'kind: ImageRepository',
      'metadata: {name: web, namespace: apps}',
      'spec:',
      '  <<: &defaults {interval: 5m, provider: generic}',
      '  image: ghcr.io/org/web',
    ].join('\n');
    expect(loadText(text).config.imageRepositories[0]?.spec.interval.milliseconds).toBe(300_000);
  });
});

describe('parseManifests: kinds', () => {
  it('warns about kinds it does not read, and about unsupported versions of kinds it does', () => {
    const load = loadText(
      yamlOf(
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps' } },
        build('policy', { apiVersion: 'image.toolkit.fluxcd.io/v1beta1' }),
        { replicaCount: 2 },
        'just a string',
      ),
    );
    expect(formatted(load)).toEqual({
      errors: [],
      warnings: [
        'clusters/apps.yaml: document 1 (Deployment apps/web): apps/v1 Deployment is not used by image-automation; skipped',
        'clusters/apps.yaml: document 2 (ImagePolicy apps/web): apiVersion image.toolkit.fluxcd.io/v1beta1 is not supported for ImagePolicy (use image.toolkit.fluxcd.io/v1 or image.toolkit.fluxcd.io/v1beta2); skipped',
        'clusters/apps.yaml: document 3: not a Kubernetes object (no apiVersion and kind); skipped',
        'clusters/apps.yaml: document 4: not a Kubernetes object (the string "just a string"); skipped',
      ],
    });
  });

  it('warns about unknown fields and suggests the right spelling', () => {
    const load = loadText(yamlOf(build('repo', { spec: { exclusionlist: ['^x$'], intervall: '1m' } })));
    expect(formatted(load).warnings).toEqual([
      'clusters/apps.yaml: document 1 (ImageRepository apps/web): spec.exclusionlist: unknown field, ignored; did you mean "exclusionList"?',
      'clusters/apps.yaml: document 1 (ImageRepository apps/web): spec.intervall: unknown field, ignored; did you mean "interval"?',
    ]);
  });

  it('defaults the namespace to default', () => {
    const load = loadText(
      yamlOf(
        build('repo', { metadata: { namespace: undefined } }),
        build('policy', { metadata: { namespace: undefined } }),
      ),
    );
    expect(load.errors).toEqual([]);
    expect(load.config.imagePolicies[0]?.metadata.namespace).toBe('default');
    expect(load.config.imagePolicies[0]?.spec.imageRepositoryRef).toEqual({
      name: 'web',
      namespace: 'default',
    });
  });
});

describe('parseManifests: duplicates', () => {
  it('keeps the first of two objects with the same kind, namespace and name, and names both files', () => {
    const load = parseManifests([
      { path: 'a.yaml', text: yamlOf(build('repo')) },
      {
        path: 'b.yaml',
        text: yamlOf(build('git'), build('repo', { apiVersion: 'image.toolkit.fluxcd.io/v1beta2' })),
      },
    ]);
    expect(formatted(load).errors).toEqual([
      'b.yaml: document 2 (ImageRepository apps/web): duplicate ImageRepository apps/web: first defined in a.yaml (document 1); this one is ignored',
    ]);
    expect(load.config.imageRepositories.map((r) => r.source.file)).toEqual(['a.yaml']);
  });

  it('allows the same name in another namespace or of another kind', () => {
    const load = loadText(
      yamlOf(build('repo'), build('repo', { metadata: { namespace: 'other' } }), build('policy')),
    );
    expect(load.errors).toEqual([]);
    expect(load.config.imageRepositories).toHaveLength(2);
  });
});

describe('ConfigIssue', () => {
  it('is plain data with a format method', () => {
    const [issue] = loadText(yamlOf(build('repo', { spec: { interval: '1d' } }))).errors;
    expect(issue).toEqual({
      severity: 'error',
      file: 'clusters/apps.yaml',
      document: 1,
      kind: 'ImageRepository',
      namespace: 'apps',
      name: 'web',
      field: 'spec.interval',
      message: '"1d" is not a valid duration (e.g. 30s, 5m, 1h30m; units ms, s, m, h)',
    });
    expect(JSON.parse(JSON.stringify(issue))).toEqual(issue);
    expect(issue?.format()).toBe(
      'clusters/apps.yaml: document 1 (ImageRepository apps/web): spec.interval: "1d" is not a valid duration (e.g. 30s, 5m, 1h30m; units ms, s, m, h)',
    );
  });
});

describe('parseManifests: image.toolkit.fluxcd.io/v1beta2 after Flux 2.9', () => {
  it('still reads v1beta2 objects, each with a warning saying how to move to v1; v1 gets none', () => {
    const beta = parseManifests([
      {
        path: 'a.yaml',
        text: yamlOf(
          build('repo', { apiVersion: 'image.toolkit.fluxcd.io/v1beta2' }),
          build('policy', { apiVersion: 'image.toolkit.fluxcd.io/v1beta2' }),
        ),
      },
    ]);
    expect(formatted(beta).errors).toEqual([]);
    expect(beta.config.imageRepositories).toHaveLength(1);
    expect(beta.config.imagePolicies).toHaveLength(1);
    expect(formatted(beta).warnings).toEqual(
      ['document 1 (ImageRepository apps/web)', 'document 2 (ImagePolicy apps/web)'].map(
        (where) =>
          `a.yaml: ${where}: apiVersion: image.toolkit.fluxcd.io/v1beta2 was removed in Flux 2.9 and a Flux 2.9 cluster refuses it; still read here. Change apiVersion to image.toolkit.fluxcd.io/v1: the fields are the same`,
      ),
    );
    const v1 = parseManifests([{ path: 'b.yaml', text: yamlOf(build('repo'), build('policy')) }]);
    expect(formatted(v1)).toEqual({ errors: [], warnings: [] });
  });
});
