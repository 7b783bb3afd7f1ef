import { describe, expect, it } from 'vitest';
import { build, formatted, loadText, yamlOf } from './builders.ts';

const all = () => [build('git'), build('repo'), build('policy'), build('automation'), build('receiver')];

describe('cross-references', () => {
  it('a complete set loads without issues', () => {
    expect(formatted(loadText(yamlOf(...all())))).toEqual({ errors: [], warnings: [] });
  });

  it('a policy needs its ImageRepository, and says where a same-named one lives', () => {
    const load = loadText(
      yamlOf(
        build('repo', { metadata: { namespace: 'flux-system' } }),
        build('policy'),
        build('policy', { metadata: { name: 'other' }, spec: { imageRepositoryRef: { name: 'missing' } } }),
      ),
    );
    expect(formatted(load).errors).toEqual([
      'clusters/apps.yaml: document 2 (ImagePolicy apps/web): spec.imageRepositoryRef: ImageRepository apps/web not found (there is one in namespace flux-system; set spec.imageRepositoryRef.namespace)',
      'clusters/apps.yaml: document 3 (ImagePolicy apps/other): spec.imageRepositoryRef: ImageRepository apps/missing not found',
    ]);
  });

  it('a cross-namespace reference needs the repository to allow it with accessFrom', () => {
    const ref = { spec: { imageRepositoryRef: { name: 'web', namespace: 'flux-system' } } };
    const denied = loadText(
      yamlOf(build('repo', { metadata: { namespace: 'flux-system' } }), build('policy', ref)),
    );
    expect(formatted(denied).errors).toEqual([
      'clusters/apps.yaml: document 2 (ImagePolicy apps/web): spec.imageRepositoryRef.namespace: ImageRepository flux-system/web does not allow references from namespace apps (it has no spec.accessFrom)',
    ]);
    const allowed = loadText(
      yamlOf(
        build('repo', {
          metadata: { namespace: 'flux-system' },
          spec: { accessFrom: { namespaceSelectors: [{ matchLabels: {} }] } },
        }),
        build('policy', ref),
      ),
    );
    expect(allowed.errors).toEqual([]);
  });

  it('an automation needs its GitRepository and policies in its namespace', () => {
    const load = loadText(
      yamlOf(build('repo'), build('policy', { metadata: { namespace: 'other' } }), build('automation')),
    );
    expect(formatted(load)).toEqual({
      errors: [
        'clusters/apps.yaml: document 2 (ImagePolicy other/web): spec.imageRepositoryRef: ImageRepository other/web not found (there is one in namespace apps; set spec.imageRepositoryRef.namespace)',
        'clusters/apps.yaml: document 3 (ImageUpdateAutomation apps/apps): spec.sourceRef: GitRepository apps/fleet not found',
      ],
      warnings: [
        'clusters/apps.yaml: document 3 (ImageUpdateAutomation apps/apps): selects no ImagePolicy in namespace apps; nothing will be updated',
      ],
    });
  });

  it('a selector that matches no policy is a warning on the selector', () => {
    const load = loadText(
      yamlOf(
        build('git'),
        build('repo'),
        build('policy'),
        build('automation', { spec: { policySelector: { matchLabels: { a: 'b' } } } }),
      ),
    );
    expect(formatted(load).warnings).toEqual([
      'clusters/apps.yaml: document 4 (ImageUpdateAutomation apps/apps): spec.policySelector: selects no ImagePolicy in namespace apps; nothing will be updated',
    ]);
  });

  it('receiver resources must name existing ImageRepositories; wildcards should match some', () => {
    const resources = [
      { kind: 'ImageRepository', name: 'web' },
      { kind: 'ImageRepository', name: 'gone' },
      { kind: 'ImageRepository', name: '*', matchLabels: { team: 'x' } },
      { kind: 'GitRepository', name: 'fleet' },
    ];
    const load = loadText(yamlOf(build('repo'), build('receiver', { spec: { resources } })));
    expect(formatted(load)).toEqual({
      errors: [
        'clusters/apps.yaml: document 2 (Receiver apps/hub): spec.resources[1]: ImageRepository apps/gone not found',
      ],
      warnings: [
        'clusters/apps.yaml: document 2 (Receiver apps/hub): spec.resources[2]: matches no ImageRepository in namespace apps',
        'clusters/apps.yaml: document 2 (Receiver apps/hub): spec.resources[3]: GitRepository apps/fleet is ignored: image-automation acts on ImageRepository resources only',
      ],
    });
  });

  it('missing Secrets are warnings, and only when Secrets are loaded at all', () => {
    const withRefs = [
      build('git', { spec: { secretRef: { name: 'git-auth' } } }),
      build('repo', { spec: { secretRef: { name: 'token' }, certSecretRef: { name: 'ca' } } }),
      build('policy'),
      build('automation', { spec: { git: { commit: { signingKey: { secretRef: { name: 'gpg' } } } } } }),
      build('receiver'),
    ];
    expect(formatted(loadText(yamlOf(...withRefs))).warnings).toEqual([]);
    const load = loadText(yamlOf(...withRefs, build('secret')));
    expect(formatted(load)).toEqual({
      errors: [],
      warnings: [
        'clusters/apps.yaml: document 1 (GitRepository apps/fleet): spec.secretRef: Secret apps/git-auth is not among the loaded Secrets',
        'clusters/apps.yaml: document 2 (ImageRepository apps/web): spec.certSecretRef: Secret apps/ca is not among the loaded Secrets',
        'clusters/apps.yaml: document 4 (ImageUpdateAutomation apps/apps): spec.git.commit.signingKey.secretRef: Secret apps/gpg is not among the loaded Secrets',
      ],
    });
  });
});
