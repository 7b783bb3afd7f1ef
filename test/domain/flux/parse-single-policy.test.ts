import { describe, expect, it } from 'vitest';
import { parsePolicyRefs } from '../../../lib/domain/flux/parse-policy-refs.ts';
import { parseSinglePolicy } from '../../../lib/domain/flux/parse-single-policy.ts';
import { build, yamlOf } from './builders.ts';

const failures = (result: ReturnType<typeof parseSinglePolicy>) =>
  result.ok ? [] : result.errors.map((issue) => issue.format());

describe('parseSinglePolicy (eval --policy FILE)', () => {
  it('returns the PolicySpec without requiring the ImageRepository', () => {
    const text = yamlOf(
      build('policy', {
        metadata: { namespace: 'conformance' },
        spec: {
          policy: { semver: undefined, alphabetical: {} },
          filterTags: { pattern: '^v(?P<n>.*)$', extract: '$n' },
        },
      }),
    );
    const result = parseSinglePolicy(text, 'case.policy.yaml');
    expect(result.ok && result.spec).toEqual({
      choice: { kind: 'alphabetical', order: 'asc' },
      filterTags: { pattern: '^v(?P<n>.*)$', extract: '$n' },
    });
    expect(result.ok && result.policy.metadata).toEqual({
      name: 'web',
      namespace: 'conformance',
      labels: {},
      annotations: {},
    });
  });

  it('reports an invalid policy', () => {
    const text = yamlOf(build('policy', { spec: { policy: { semver: { range: 'bogus' } } } }));
    expect(failures(parseSinglePolicy(text, 'p.yaml'))).toEqual([
      'p.yaml: document 1 (ImagePolicy apps/web): spec.policy.semver.range: invalid constraint "bogus": improper constraint: bogus',
    ]);
  });

  it('wants exactly one ImagePolicy', () => {
    expect(failures(parseSinglePolicy('', 'p.yaml'))).toEqual([
      'p.yaml: expected exactly one ImagePolicy, found none',
    ]);
    expect(
      failures(
        parseSinglePolicy(yamlOf(build('policy'), build('policy', { metadata: { name: 'b' } })), 'p.yaml'),
      ),
    ).toEqual(['p.yaml: expected exactly one ImagePolicy, found ImagePolicy apps/web, ImagePolicy apps/b']);
    expect(failures(parseSinglePolicy(yamlOf(build('repo')), 'p.yaml'))).toEqual([
      'p.yaml: expected exactly one ImagePolicy, found ImageRepository apps/web',
    ]);
  });
});

describe('parsePolicyRefs (rewrite --policies FILE)', () => {
  it('reads metadata and status.latestRef, without a spec', () => {
    const stub = (name: string, latestRef?: object) => ({
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImagePolicy',
      metadata: { name, namespace: 'automation-ns' },
      ...(latestRef && { status: { latestRef } }),
    });
    const digest = `sha256:${'a'.repeat(64)}`;
    const load = parsePolicyRefs([
      {
        path: 'policies.yaml',
        text: yamlOf(
          stub('policy', { name: 'index.repo.fake/updated', tag: 'v1.0.1' }),
          stub('with-digest', { name: 'image', tag: 'v1.0.0', digest }),
          stub('pending'),
          build('repo'),
        ),
      },
    ]);
    expect(load.errors).toEqual([]);
    expect(load.warnings.map((issue) => issue.format())).toEqual([
      'policies.yaml: document 3 (ImagePolicy automation-ns/pending): status.latestRef: not set; policy ignored',
    ]);
    expect(load.policies.map(({ namespace, name, latestRef }) => ({ namespace, name, latestRef }))).toEqual([
      {
        namespace: 'automation-ns',
        name: 'policy',
        latestRef: { name: 'index.repo.fake/updated', tag: 'v1.0.1' },
      },
      {
        namespace: 'automation-ns',
        name: 'with-digest',
        latestRef: { name: 'image', tag: 'v1.0.0', digest },
      },
    ]);
  });

  it('reports a malformed latestRef', () => {
    const load = parsePolicyRefs([
      { path: 'p.yaml', text: yamlOf(build('policy', { status: { latestRef: { name: 'image' } } })) },
    ]);
    expect(load.errors.map((issue) => issue.format())).toEqual([
      'p.yaml: document 1 (ImagePolicy apps/web): status.latestRef.tag: required',
    ]);
  });
});
