import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../lib/domain/flux/parse-manifests.ts';
import type { Kind } from './builders.ts';
import { build, formatted, loadText, yamlOf } from './builders.ts';

// Each case breaks one rule in one object. The object is the 5th document of clusters/apps.yaml,
// after valid objects of the other kinds, so locations and cross-references are realistic.
const ORDER: Kind[] = ['git', 'repo', 'policy', 'automation', 'receiver'];
const loadBroken = (kind: Kind, changes: object) => {
  const context = ORDER.filter((other) => other !== kind).map((other) => build(other));
  return loadText(yamlOf(...context, build(kind, changes)));
};
const at = (object: string, rest: string) => `clusters/apps.yaml: document 5 (${object}): ${rest}`;

interface Case {
  readonly rule: string;
  readonly kind: Kind;
  readonly changes: object;
  readonly errors: readonly string[];
}

const repo = 'ImageRepository apps/web';
const policy = 'ImagePolicy apps/web';
const automation = 'ImageUpdateAutomation apps/apps';
const git = 'GitRepository apps/fleet';
const receiver = 'Receiver apps/hub';

const cases: Case[] = [
  // metadata
  {
    rule: 'name required',
    kind: 'policy',
    changes: { metadata: { name: undefined } },
    errors: ['clusters/apps.yaml: document 5 (ImagePolicy): metadata.name: required'],
  },
  {
    rule: 'name is a DNS subdomain',
    kind: 'policy',
    changes: { metadata: { name: 'Web' } },
    errors: [
      at(
        'ImagePolicy apps/Web',
        `metadata.name: "Web" is not a valid name (lowercase letters, digits, '-' and '.', at most 253 characters)`,
      ),
    ],
  },
  {
    rule: 'namespace is a DNS label',
    kind: 'policy',
    changes: { metadata: { namespace: 'my.apps' } },
    errors: [
      at(
        'ImagePolicy my.apps/web',
        `metadata.namespace: "my.apps" is not a valid namespace (lowercase letters, digits and '-', at most 63 characters)`,
      ),
    ],
  },
  {
    rule: 'label values are strings',
    kind: 'policy',
    changes: { metadata: { labels: { version: 2 } } },
    errors: [at(policy, 'metadata.labels.version: must be a string, got the number 2 (put it in quotes)')],
  },
  {
    rule: 'spec required',
    kind: 'policy',
    changes: { spec: undefined },
    errors: [at(policy, 'spec: required')],
  },
  // ImageRepository
  {
    rule: 'image required',
    kind: 'repo',
    changes: { spec: { image: undefined } },
    errors: [at(repo, 'spec.image: required')],
  },
  {
    rule: 'image without scheme',
    kind: 'repo',
    changes: { spec: { image: 'https://ghcr.io/org/web' } },
    errors: [at(repo, 'spec.image: "https://ghcr.io/org/web" should not include URL scheme; remove it')],
  },
  {
    rule: 'image without tag',
    kind: 'repo',
    changes: { spec: { image: 'ghcr.io/org/web:1.0' } },
    errors: [
      at(
        repo,
        'spec.image: "ghcr.io/org/web:1.0" should not include a tag or digest; set it in the ImagePolicy instead',
      ),
    ],
  },
  {
    rule: 'interval required',
    kind: 'repo',
    changes: { spec: { interval: undefined } },
    errors: [at(repo, 'spec.interval: required')],
  },
  {
    rule: 'interval pattern',
    kind: 'repo',
    changes: { spec: { interval: '5 minutes' } },
    errors: [
      at(repo, 'spec.interval: "5 minutes" is not a valid duration (e.g. 30s, 5m, 1h30m; units ms, s, m, h)'),
    ],
  },
  {
    rule: 'timeout has no hours',
    kind: 'repo',
    changes: { spec: { timeout: '1h' } },
    errors: [
      at(repo, 'spec.timeout: "1h" is not a valid duration (e.g. 30s, 5m, 1m30s; units ms, s, m (no h))'),
    ],
  },
  {
    rule: 'provider enum',
    kind: 'repo',
    changes: { spec: { provider: 'AWS' } },
    errors: [
      at(repo, 'spec.provider: must be one of generic, aws, azure, gcp, got "AWS"; did you mean "aws"?'),
    ],
  },
  {
    rule: 'provider matches host',
    kind: 'repo',
    changes: { spec: { provider: 'azure' } },
    errors: [
      at(
        repo,
        `spec.provider: provider azure needs an Azure Container Registry host (*.azurecr.io, .cn, .de or .us), but the image's registry is "ghcr.io"; use provider generic (with secretRef) for other registries`,
      ),
    ],
  },
  {
    rule: 'exclusionList regexes compile',
    kind: 'repo',
    changes: { spec: { exclusionList: ['^.*\\.sig$', '(?=x)'] } },
    errors: [
      at(
        repo,
        'spec.exclusionList[1]: invalid regular expression pattern "(?=x)": error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
      ),
    ],
  },
  {
    rule: 'exclusionList has at most 25 entries',
    kind: 'repo',
    changes: { spec: { exclusionList: Array.from({ length: 26 }, (_, i) => `^${i}$`) } },
    errors: [at(repo, 'spec.exclusionList: has 26 entries; at most 25 are allowed')],
  },
  {
    rule: 'booleans are booleans',
    kind: 'repo',
    changes: { spec: { insecure: 'yes' } },
    errors: [at(repo, 'spec.insecure: must be true or false, got the string "yes"')],
  },
  {
    rule: 'secretRef needs a name',
    kind: 'repo',
    changes: { spec: { secretRef: {} } },
    errors: [at(repo, 'spec.secretRef.name: required')],
  },
  // ImagePolicy
  {
    rule: 'one policy choice, not none',
    kind: 'policy',
    changes: { spec: { policy: { semver: undefined } } },
    errors: [at(policy, 'spec.policy: must set exactly one of semver, alphabetical or numerical')],
  },
  {
    rule: 'one policy choice, not several',
    kind: 'policy',
    changes: { spec: { policy: { alphabetical: { order: 'asc' } } } },
    errors: [
      at(
        policy,
        'spec.policy: must set exactly one of semver, alphabetical or numerical; found semver and alphabetical',
      ),
    ],
  },
  {
    rule: 'an empty choice is not a choice',
    kind: 'policy',
    changes: { spec: { policy: { semver: undefined, numerical: null } } },
    errors: [
      at(
        policy,
        'spec.policy: must set exactly one of semver, alphabetical or numerical; numerical is empty, write "numerical: {}" for its defaults',
      ),
    ],
  },
  {
    rule: 'order is lowercase',
    kind: 'policy',
    changes: { spec: { policy: { semver: undefined, alphabetical: { order: 'DESC' } } } },
    errors: [
      at(
        policy,
        'spec.policy.alphabetical.order: must be one of asc, desc, got "DESC"; did you mean "desc"?',
      ),
    ],
  },
  {
    rule: 'semver range required',
    kind: 'policy',
    changes: { spec: { policy: { semver: { range: '' } } } },
    errors: [at(policy, 'spec.policy.semver.range: required')],
  },
  {
    rule: 'semver range is a string',
    kind: 'policy',
    changes: { spec: { policy: { semver: { range: 1 } } } },
    errors: [at(policy, 'spec.policy.semver.range: must be a string, got the number 1 (put it in quotes)')],
  },
  {
    rule: 'semver range parses',
    kind: 'policy',
    changes: { spec: { policy: { semver: { range: '1.x.y' } } } },
    errors: [at(policy, 'spec.policy.semver.range: invalid constraint "1.x.y": improper constraint: 1.x.y')],
  },
  {
    rule: 'filterTags pattern compiles',
    kind: 'policy',
    changes: { spec: { filterTags: { pattern: '^test-(.*' } } },
    errors: [
      at(
        policy,
        'spec.filterTags.pattern: invalid regular expression pattern "^test-(.*": error parsing regexp: missing closing ): `^test-(.*`',
      ),
    ],
  },
  {
    rule: 'digestReflectionPolicy enum',
    kind: 'policy',
    changes: { spec: { digestReflectionPolicy: 'always' } },
    errors: [
      at(
        policy,
        'spec.digestReflectionPolicy: must be one of Never, IfNotPresent, Always, got "always"; did you mean "Always"?',
      ),
    ],
  },
  {
    rule: 'Always requires interval',
    kind: 'policy',
    changes: { spec: { digestReflectionPolicy: 'Always' } },
    errors: [at(policy, 'spec.interval: required when spec.digestReflectionPolicy is Always')],
  },
  {
    rule: 'interval requires Always',
    kind: 'policy',
    changes: { spec: { digestReflectionPolicy: 'IfNotPresent', interval: '10m' } },
    errors: [at(policy, 'spec.interval: only accepted when spec.digestReflectionPolicy is Always')],
  },
  {
    rule: 'imageRepositoryRef required',
    kind: 'policy',
    changes: { spec: { imageRepositoryRef: undefined } },
    errors: [at(policy, 'spec.imageRepositoryRef: required')],
  },
  {
    rule: 'latestRef digest is a digest',
    kind: 'policy',
    changes: { status: { latestRef: { name: 'ghcr.io/org/web', tag: '1.0.0', digest: 'abc' } } },
    errors: [at(policy, 'status.latestRef.digest: "abc" is not a digest (algorithm:hex, e.g. sha256:…)')],
  },
  // ImageUpdateAutomation
  {
    rule: 'git required',
    kind: 'automation',
    changes: { spec: { git: undefined } },
    errors: [at(automation, 'spec.git: required')],
  },
  {
    rule: 'author email required',
    kind: 'automation',
    changes: { spec: { git: { commit: { author: { name: 'bot', email: undefined } } } } },
    errors: [at(automation, 'spec.git.commit.author.email: required')],
  },
  {
    rule: 'source kind is GitRepository',
    kind: 'automation',
    changes: { spec: { sourceRef: { kind: 'OCIRepository' } } },
    errors: [at(automation, 'spec.sourceRef.kind: must be one of GitRepository, got "OCIRepository"')],
  },
  {
    rule: 'strategy is Setters',
    kind: 'automation',
    changes: { spec: { update: { strategy: 'Helm' } } },
    errors: [at(automation, 'spec.update.strategy: must be one of Setters, got "Helm"')],
  },
  {
    rule: 'update path stays inside',
    kind: 'automation',
    changes: { spec: { update: { path: './apps/../../etc' } } },
    errors: [
      at(automation, 'spec.update.path: "./apps/../../etc" leaves the repository; use a path inside it'),
    ],
  },
  {
    rule: 'refspec neither forces nor deletes',
    kind: 'automation',
    changes: { spec: { git: { push: { refspec: '+refs/heads/a:refs/heads/b' } } } },
    errors: [
      at(
        automation,
        'spec.git.push.refspec: "+refs/heads/a:refs/heads/b" must not start with "+" (force) or ":" (delete)',
      ),
    ],
  },
  {
    rule: 'In needs values',
    kind: 'automation',
    changes: { spec: { policySelector: { matchExpressions: [{ key: 'team', operator: 'In' }] } } },
    errors: [
      at(automation, 'spec.policySelector.matchExpressions[0].values: must not be empty for operator In'),
    ],
  },
  {
    rule: 'Exists takes no values',
    kind: 'automation',
    changes: {
      spec: { policySelector: { matchExpressions: [{ key: 'team', operator: 'Exists', values: ['a'] }] } },
    },
    errors: [
      at(automation, 'spec.policySelector.matchExpressions[0].values: must be empty for operator Exists'),
    ],
  },
  {
    rule: 'selector operators',
    kind: 'automation',
    changes: {
      spec: { policySelector: { matchExpressions: [{ key: 'team', operator: 'in', values: ['a'] }] } },
    },
    errors: [
      at(
        automation,
        'spec.policySelector.matchExpressions[0].operator: must be one of In, NotIn, Exists, DoesNotExist, got "in"; did you mean "In"?',
      ),
    ],
  },
  {
    rule: 'signing key needs a secretRef',
    kind: 'automation',
    changes: { spec: { git: { commit: { signingKey: { type: 'ssh' } } } } },
    errors: [at(automation, 'spec.git.commit.signingKey.secretRef: required')],
  },
  {
    rule: 'a push branch can be inferred',
    kind: 'automation',
    changes: { spec: { git: { checkout: { ref: { tag: 'v1.0.0' } } } } },
    errors: [
      at(
        automation,
        'spec.git.push.branch: required: the checkout ref (tag v1.0.0) has no branch to push to',
      ),
    ],
  },
  {
    rule: 'messageTemplate must not use removed fields',
    kind: 'automation',
    changes: { spec: { git: { commit: { messageTemplate: '{{ .Updated.Images }}' } } } },
    errors: [
      at(
        automation,
        "spec.git.commit.messageTemplate: template uses removed '.Updated' field. Please use '.Changed' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template",
      ),
    ],
  },
  {
    rule: 'messageTemplate parses',
    kind: 'automation',
    changes: { spec: { git: { commit: { messageTemplate: '{{ range .Changed.Changes }}' } } } },
    errors: [
      at(
        automation,
        'spec.git.commit.messageTemplate: unable to create commit message template from spec: template: commit message:1: unexpected EOF',
      ),
    ],
  },
  // GitRepository
  {
    rule: 'url required',
    kind: 'git',
    changes: { spec: { url: undefined } },
    errors: [at(git, 'spec.url: required')],
  },
  {
    rule: 'url scheme',
    kind: 'git',
    changes: { spec: { url: 'git@github.com:org/fleet.git' } },
    errors: [
      at(
        git,
        'spec.url: "git@github.com:org/fleet.git" must start with http://, https:// or ssh://; write it as ssh://git@github.com/org/fleet.git',
      ),
    ],
  },
  {
    rule: 'ref name is a full ref',
    kind: 'git',
    changes: { spec: { ref: { name: 'main' } } },
    errors: [at(git, 'spec.ref.name: must be a full reference name such as refs/heads/main, got "main"')],
  },
  {
    rule: 'timeout pattern',
    kind: 'git',
    changes: { spec: { timeout: '2h' } },
    errors: [
      at(git, 'spec.timeout: "2h" is not a valid duration (e.g. 30s, 5m, 1m30s; units ms, s, m (no h))'),
    ],
  },
  // Receiver
  {
    rule: 'receiver type',
    kind: 'receiver',
    changes: { spec: { type: 'github-app' } },
    errors: [
      at(
        receiver,
        'spec.type: must be one of generic, generic-hmac, github, gitlab, bitbucket, harbor, dockerhub, quay, gcr, nexus, acr, cdevents, distribution, artifactory, ecr, got "github-app"',
      ),
    ],
  },
  {
    rule: 'generic-oidc unsupported',
    kind: 'receiver',
    changes: { spec: { type: 'generic-oidc' } },
    errors: [
      at(
        receiver,
        'spec.type: generic-oidc is not supported; must be one of generic, generic-hmac, github, gitlab, bitbucket, harbor, dockerhub, quay, gcr, nexus, acr, cdevents, distribution, artifactory, ecr, got "generic-oidc"',
      ),
    ],
  },
  {
    rule: 'receiver secretRef required',
    kind: 'receiver',
    changes: { spec: { secretRef: undefined } },
    errors: [at(receiver, 'spec.secretRef: required')],
  },
  {
    rule: 'receiver resources required',
    kind: 'receiver',
    changes: { spec: { resources: [] } },
    errors: [at(receiver, 'spec.resources: required: list the ImageRepositories this receiver triggers')],
  },
  {
    rule: 'resource kind enum',
    kind: 'receiver',
    changes: { spec: { resources: [{ kind: 'Deployment', name: 'web' }] } },
    errors: [
      at(
        receiver,
        'spec.resources[0].kind: must be one of Bucket, GitRepository, Kustomization, HelmRelease, HelmChart, HelmRepository, ImageRepository, ImagePolicy, ImageUpdateAutomation, OCIRepository, got "Deployment"',
      ),
    ],
  },
  {
    rule: 'wildcard needs labels',
    kind: 'receiver',
    changes: { spec: { resources: [{ kind: 'ImageRepository', name: '*' }] } },
    errors: [at(receiver, 'spec.resources[0].matchLabels: required when name is "*"')],
  },
];

describe('invalid manifests: one rule per case, exact message', () => {
  it.each(cases)('$rule', ({ kind, changes, errors }) => {
    const load = loadBroken(kind, changes);
    expect(load.errors.filter((issue) => issue.document === 5).map((issue) => issue.format())).toEqual(
      errors,
    );
  });

  it('reports the broken object once, not again as a missing reference', () => {
    const load = loadBroken('repo', { spec: { image: 'ghcr.io/Org/web' } });
    expect(formatted(load).errors).toEqual([
      at(
        repo,
        'spec.image: "ghcr.io/Org/web" is not a valid repository name (lowercase letters, digits and separators . _ __ - only)',
      ),
    ]);
  });
});

describe('Secrets', () => {
  it('refuses data that is not base64, without echoing it', () => {
    const load = loadText(yamlOf(build('secret', { data: { token: 'not base64!' } })));
    expect(formatted(load).errors).toEqual([
      'clusters/apps.yaml: document 1 (Secret apps/token): data.token: is not valid base64 (use stringData for plain text)',
    ]);
  });
});

describe('all errors of a load', () => {
  it('are collected across documents and files, in file and document order', () => {
    const first = yamlOf(
      build('repo', { spec: { image: 'https://ghcr.io/org/web', interval: '5 min' } }),
      build('policy', { spec: { policy: { semver: { range: '1.x.y' } }, digestReflectionPolicy: 'Always' } }),
    );
    const second = yamlOf(
      build('automation', { spec: { git: { commit: { author: { email: undefined } } } } }),
      build('git'),
    );
    const load = parseManifests([
      { path: 'a.yaml', text: first },
      { path: 'b.yaml', text: second },
    ]);
    expect(formatted(load).errors).toEqual([
      'a.yaml: document 1 (ImageRepository apps/web): spec.image: "https://ghcr.io/org/web" should not include URL scheme; remove it',
      'a.yaml: document 1 (ImageRepository apps/web): spec.interval: "5 min" is not a valid duration (e.g. 30s, 5m, 1h30m; units ms, s, m, h)',
      'a.yaml: document 2 (ImagePolicy apps/web): spec.policy.semver.range: invalid constraint "1.x.y": improper constraint: 1.x.y',
      'a.yaml: document 2 (ImagePolicy apps/web): spec.interval: required when spec.digestReflectionPolicy is Always',
      'b.yaml: document 1 (ImageUpdateAutomation apps/apps): spec.git.commit.author.email: required',
    ]);
  });
});
