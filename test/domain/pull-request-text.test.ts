import { describe, expect, it } from 'vitest';
import type { Change } from '../../lib/domain/changes.ts';
import { InvalidConfigError } from '../../lib/domain/errors.ts';
import { type PullRequestTextInput, renderPullRequest } from '../../lib/domain/pull-request-text.ts';

const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'web' };
const values = { apiVersion: '', kind: '', namespace: '', name: '' };
const D1 = `sha256:${'1'.repeat(64)}`;
const changes: Change[] = [
  {
    file: 'apps/api/values.yaml',
    line: 4,
    object: values,
    setter: 'apps:api:tag',
    oldValue: '1.9.0',
    newValue: '2.0.0',
  },
  {
    file: 'apps/web/deploy.yaml',
    line: 21,
    object: deployment,
    setter: 'apps:web',
    oldValue: 'ghcr.io/acme/web:1.4.1',
    newValue: `ghcr.io/acme/web:1.4.2@${D1}`,
  },
];
const input: PullRequestTextInput = {
  automation: { namespace: 'apps', name: 'fleet' },
  changes,
  policies: [
    {
      namespace: 'apps',
      name: 'web',
      latestRef: { name: 'ghcr.io/acme/web', tag: '1.4.2', digest: D1 },
      rule: 'semver >=1.0.0',
    },
    {
      namespace: 'apps',
      name: 'api',
      latestRef: { name: 'ghcr.io/acme/api', tag: '2.0.0' },
      rule: 'semver ^2 | ~1',
    },
  ],
  baseBranch: 'main',
  baseCommit: 'b'.repeat(40),
  headBranch: 'image-updates/fleet',
  commit: 'c'.repeat(40),
  signedBy: 'ABCD1234',
  templateInput: { automation: { namespace: 'apps', name: 'fleet' }, changes, values: { env: 'prod' } },
};

describe('pull-request title and body', () => {
  it('renders what a reviewer needs: images from → to with digest, policy and rule, every line, commit, base, signature', () => {
    const { title, body } = renderPullRequest(input);
    expect(title).toBe('Update api to 2.0.0, web to 1.4.2');
    expect(body).toBe(
      [
        'Image updates by ImageUpdateAutomation `apps/fleet` for `main`: 2 images, 2 markers in 2 files.',
        '',
        '| Image | From | To | Digest | Policy | Why |',
        '| --- | --- | --- | --- | --- | --- |',
        '| `ghcr.io/acme/api` | `1.9.0` | `2.0.0` | - | `apps/api` | semver ^2 \\| ~1 |',
        `| \`ghcr.io/acme/web\` | \`1.4.1\` | \`1.4.2\` | \`${D1}\` | \`apps/web\` | semver >=1.0.0 |`,
        '',
        '**Changed lines**',
        '',
        '- `apps/api/values.yaml:4`, marker `apps:api:tag`: `1.9.0` → `2.0.0`',
        `- \`apps/web/deploy.yaml:21\` (Deployment apps/web), marker \`apps:web\`: \`ghcr.io/acme/web:1.4.1\` → \`ghcr.io/acme/web:1.4.2@${D1}\``,
        '',
        '**Commit** `cccccccccccc` on `image-updates/fleet`, built on `main` at `bbbbbbbbbbbb`. Signed with OpenPGP key `ABCD1234`. Each image is listed in an `Image-Update:` trailer of the commit message.',
        '',
        'This branch is rebuilt from `main` and force-pushed whenever an image or the base branch moves, and this pull request is updated in place; commits added to the branch by hand are replaced.',
        '',
        '<!-- image-automation: apps/fleet -->',
        '',
      ].join('\n'),
    );
  });

  it('takes the title from the template (first line, trimmed), and says when a commit is not signed', () => {
    const { signedBy: _unsigned, ...rest } = input;
    const text = renderPullRequest({
      ...rest,
      titleTemplate: '\n[{{ .Values.env }}] {{ len .Changed.Changes }} image updates\nsecond line',
    });
    expect(text.title).toBe('[prod] 2 image updates');
    expect(text.body).toContain('Not signed (no `spec.git.commit.signingKey`).');
  });

  it('summarises many images in the default title and keeps titles under the forge limits', () => {
    const many = Array.from({ length: 5 }, (_, i) => ({
      namespace: 'apps',
      name: `svc-${i}`,
      latestRef: { name: `ghcr.io/acme/svc-${i}`, tag: `1.0.${i}` },
    }));
    const manyChanges = many.map(
      (p, i) => ({ ...changes[0], line: i + 1, setter: `apps:${p.name}:tag` }) as Change,
    );
    expect(renderPullRequest({ ...input, policies: many, changes: manyChanges }).title).toBe(
      'Update 5 images: svc-0 to 1.0.0, svc-1 to 1.0.1, svc-2 to 1.0.2, …',
    );
    expect(renderPullRequest({ ...input, titleTemplate: 'x'.repeat(300) }).title).toHaveLength(250);
  });

  it('names the annotation when the title template fails', () => {
    expect(() => renderPullRequest({ ...input, titleTemplate: '{{ index .Changed.Changes 9 }}' })).toThrow(
      InvalidConfigError,
    );
    expect(() => renderPullRequest({ ...input, titleTemplate: '{{ index .Changed.Changes 9 }}' })).toThrow(
      /^annotation image-automation.io\/pull-request-title: /,
    );
  });

  it('stops a runaway title template at the step budget, naming the annotation', () => {
    expect(() => renderPullRequest({ ...input, titleTemplate: '{{ range 100000000000 }}{{ end }}' })).toThrow(
      /^annotation image-automation.io\/pull-request-title: .*execution exceeds the budget of 1000000 steps$/,
    );
  });
});
