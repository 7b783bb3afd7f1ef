import { describe, expect, it } from 'vitest';
import {
  automationsForRepository,
  matchesLabelSelector,
  policiesInScope,
  repositoryOf,
} from '../../../lib/domain/flux/scope.ts';
import type { ImageUpdateAutomation, LabelSelector } from '../../../lib/domain/flux/types.ts';
import { build, loadText, yamlOf } from './builders.ts';

const policy = (name: string, namespace: string, labels?: Record<string, string>, repository = 'web') =>
  build('policy', {
    metadata: { name, namespace, ...(labels && { labels }) },
    spec: { imageRepositoryRef: { name: repository } },
  });
const repo = (name: string, namespace: string, image: string) =>
  build('repo', { metadata: { name, namespace }, spec: { image } });
const automation = (name: string, namespace: string, policySelector?: object) =>
  build('automation', { metadata: { name, namespace }, spec: { ...(policySelector && { policySelector }) } });
const git = (namespace: string) => build('git', { metadata: { namespace } });

const automationNamed = (automations: readonly ImageUpdateAutomation[], id: string) => {
  const found = automations.find((a) => `${a.metadata.namespace}/${a.metadata.name}` === id);
  if (!found) throw new Error(id);
  return found;
};

describe('policiesInScope (image-automation-controller Test_getPolicies, flux-policy-cases M1)', () => {
  it.each([
    {
      name: 'all policies of the automation namespace, none of another',
      namespace: 'foo',
      selector: undefined,
      policies: [policy('p1', 'foo'), policy('p2', 'foo'), policy('p3', 'bar'), policy('p4', 'foo')],
      // Flux also drops p4 for its empty latestRef; that status lives in the state store here.
      expected: ['p1', 'p2', 'p4'],
    },
    {
      name: 'filtered by policySelector matchLabels',
      namespace: 'foo',
      selector: { matchLabels: { label: 'one' } },
      policies: [
        policy('p1', 'foo', { label: 'one' }),
        policy('p2', 'foo', { label: 'false' }),
        policy('p3', 'bar', { label: 'one' }),
      ],
      expected: ['p1'],
    },
    {
      name: 'none from another namespace',
      namespace: 'bar',
      selector: undefined,
      policies: [policy('p1', 'foo')],
      expected: [],
    },
    {
      name: 'an empty selector selects everything',
      namespace: 'foo',
      selector: {},
      policies: [policy('p1', 'foo'), policy('p2', 'foo', { a: 'b' })],
      expected: ['p1', 'p2'],
    },
  ])('$name', ({ namespace, selector, policies, expected }) => {
    const repos = ['foo', 'bar'].map((ns) => repo('web', ns, 'ghcr.io/org/web'));
    const load = loadText(
      yamlOf(git(namespace), ...repos, ...policies, automation('auto', namespace, selector)),
    );
    expect(load.errors).toEqual([]);
    const target = automationNamed(load.config.imageUpdateAutomations, `${namespace}/auto`);
    expect(policiesInScope(load.config, target).map((p) => p.metadata.name)).toEqual(expected);
  });
});

describe('matchesLabelSelector (apimachinery label selector semantics)', () => {
  const labels = { app: 'web', tier: 'frontend', empty: '' };
  const selector = (partial: Partial<LabelSelector>): LabelSelector => ({
    matchLabels: {},
    matchExpressions: [],
    ...partial,
  });
  it.each<[string, LabelSelector | undefined, boolean]>([
    ['no selector', undefined, true],
    ['empty selector', selector({}), true],
    ['matchLabels equal', selector({ matchLabels: { app: 'web' } }), true],
    ['matchLabels all must hold', selector({ matchLabels: { app: 'web', tier: 'backend' } }), false],
    ['matchLabels missing key', selector({ matchLabels: { team: 'a' } }), false],
    ['matchLabels empty value', selector({ matchLabels: { empty: '' } }), true],
    [
      'In',
      selector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'edge'] }] }),
      true,
    ],
    [
      'In, other value',
      selector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] }),
      false,
    ],
    [
      'In, missing key',
      selector({ matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] }),
      false,
    ],
    [
      'NotIn',
      selector({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['backend'] }] }),
      true,
    ],
    [
      'NotIn, listed value',
      selector({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] }),
      false,
    ],
    [
      'NotIn, missing key',
      selector({ matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a'] }] }),
      true,
    ],
    ['Exists', selector({ matchExpressions: [{ key: 'empty', operator: 'Exists', values: [] }] }), true],
    [
      'Exists, missing key',
      selector({ matchExpressions: [{ key: 'team', operator: 'Exists', values: [] }] }),
      false,
    ],
    [
      'DoesNotExist',
      selector({ matchExpressions: [{ key: 'team', operator: 'DoesNotExist', values: [] }] }),
      true,
    ],
    [
      'DoesNotExist, present key',
      selector({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist', values: [] }] }),
      false,
    ],
    [
      'labels and expressions together',
      selector({
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }],
      }),
      false,
    ],
  ])('%s', (_name, given, expected) => {
    expect(matchesLabelSelector(given, labels)).toBe(expected);
  });

  it('does not see inherited properties as labels', () => {
    const inherited = selector({ matchExpressions: [{ key: 'toString', operator: 'Exists', values: [] }] });
    expect(matchesLabelSelector(inherited, {})).toBe(false);
  });
});

describe('repositoryOf and automationsForRepository', () => {
  const load = loadText(
    yamlOf(
      git('apps'),
      git('tools'),
      repo('web', 'apps', 'ghcr.io/org/web'),
      repo('nginx', 'apps', 'docker.io/nginx'),
      repo('nginx', 'tools', 'nginx'),
      policy('web', 'apps', { auto: 'yes' }),
      policy('nginx', 'apps', { auto: 'no' }, 'nginx'),
      policy('nginx', 'tools', undefined, 'nginx'),
      automation('selective', 'apps', { matchLabels: { auto: 'yes' } }),
      automation('everything', 'apps'),
      automation('tools', 'tools'),
    ),
  );

  it('loads cleanly', () => {
    expect(load.errors).toEqual([]);
  });

  it('finds the repository of a policy in the referenced namespace', () => {
    const [first] = load.config.imagePolicies;
    expect(first && repositoryOf(load.config, first)?.spec.imageName.canonical).toBe('ghcr.io/org/web');
  });

  it.each([
    ['ghcr.io/org/web', ['apps/selective', 'apps/everything']],
    ['index.docker.io/library/nginx', ['apps/everything', 'tools/tools']],
    ['ghcr.io/org/unknown', []],
  ])('%s → %j', (canonical, expected) => {
    const ids = automationsForRepository(load.config, canonical).map(
      (a) => `${a.metadata.namespace}/${a.metadata.name}`,
    );
    expect(ids).toEqual(expected);
  });
});
