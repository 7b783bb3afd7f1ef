import { describe, expect, it } from 'vitest';
import { reviewSettingsOf } from '../../../lib/domain/flux/review-annotations.ts';
import { build, formatted, loadText, yamlOf } from './builders.ts';

const P = 'image-automation.io/';
const automation = (
  annotations: Record<string, string>,
  spec: object = { git: { push: { branch: 'image-updates' } } },
) => build('automation', { metadata: { annotations }, spec });
const load = (annotations: Record<string, string>, spec?: object, git: object = {}) =>
  loadText(yamlOf(build('git', git), build('repo'), build('policy'), automation(annotations, spec)));
const where = 'clusters/apps.yaml: document 4 (ImageUpdateAutomation apps/apps): metadata.annotations';

describe('review annotations on an ImageUpdateAutomation', () => {
  it('decodes a complete pull-request setup', () => {
    const result = load({
      [`${P}pull-request`]: 'true',
      [`${P}pull-request-labels`]: 'images, automerge,,images',
      [`${P}pull-request-reviewers`]: 'alice,acme/platform',
      [`${P}pull-request-title`]: 'chore: {{ len .Changed.Changes }} image updates',
      [`${P}push-branch-template`]: 'image-updates/{{ .AutomationObject.Name }}',
      [`${P}forge-secret`]: 'github-token',
    });
    expect(formatted(result)).toEqual({ errors: [], warnings: [] });
    const [decoded] = result.config.imageUpdateAutomations;
    expect(decoded && reviewSettingsOf(decoded)).toEqual({
      pullRequest: true,
      labels: ['images', 'automerge'],
      reviewers: ['alice', 'acme/platform'],
      titleTemplate: 'chore: {{ len .Changed.Changes }} image updates',
      pushBranchTemplate: 'image-updates/{{ .AutomationObject.Name }}',
      forgeSecret: 'github-token',
    });
  });

  it('reports every bad annotation like other configuration errors', () => {
    const result = load({
      [`${P}pull-request`]: 'yes',
      [`${P}forge`]: 'bitbucket',
      [`${P}forge-api-url`]: 'ghe.example.com',
      [`${P}pull-request-reviewers`]: 'alice,@bob',
      [`${P}pull-request-title`]: '{{ .Updated }}',
      [`${P}push-branch-template`]: '{{ .Nope }}',
      [`${P}pull-requests`]: 'true',
    });
    expect(formatted(result).errors).toEqual([
      `${where}["${P}pull-request"]: must be "true" or "false", got "yes"`,
      `${where}["${P}forge"]: must be "github" or "gitlab", got "bitbucket"`,
      `${where}["${P}forge-api-url"]: must be an http(s) URL, got "ghe.example.com"`,
      `${where}["${P}pull-request-reviewers"]: "@bob" is not a user name or org/team`,
      `${where}["${P}pull-request-title"]: uses .Updated, which Flux 2.7 removed; use .Changed`,
      `${where}["${P}push-branch-template"]: template: push branch:1:3: at <.Nope>: can't evaluate field Nope in type source.TemplateData`,
    ]);
    expect(formatted(result).warnings).toContain(
      `${where}["${P}pull-requests"]: unknown annotation, ignored; known: ${[
        'pull-request',
        'pull-request-title',
        'pull-request-labels',
        'pull-request-reviewers',
        'forge',
        'forge-api-url',
        'forge-secret',
        'push-branch-template',
        'notify-url',
        'notify-format',
        'notify-secret',
        'notify-events',
      ]
        .map((k) => P + k)
        .join(', ')}`,
    );
    expect(result.config.imageUpdateAutomations).toEqual([]);
  });

  it('accepts the notification annotations without a warning and reports invalid ones as errors', () => {
    const valid = load({
      [`${P}notify-url`]: 'https://hooks.example.com/images',
      [`${P}notify-format`]: 'slack',
    });
    expect(formatted(valid)).toEqual({ errors: [], warnings: [] });
    const invalid = load({ [`${P}notify-url`]: 'https://user:pw@hooks.example.com/images' });
    expect(formatted(invalid).errors).toEqual([
      expect.stringMatching(
        /^clusters\/apps\.yaml: document 4 \(ImageUpdateAutomation apps\/apps\): metadata\.annotations: image-automation\.io\/notify-url holds credentials/,
      ),
    ]);
  });

  it('checks the forge and the push branch against the GitRepository', () => {
    const selfHosted = { spec: { url: 'https://git.example.com/acme/fleet.git' } };
    expect(formatted(load({ [`${P}pull-request`]: 'true' }, undefined, selfHosted)).errors).toEqual([
      `${where}["${P}forge"]: cannot tell which forge serves git.example.com; set the image-automation.io/forge annotation to github or gitlab`,
    ]);
    expect(
      formatted(load({ [`${P}pull-request`]: 'true', [`${P}forge`]: 'gitlab' }, undefined, selfHosted))
        .errors,
    ).toEqual([]);
    const samePush = load({ [`${P}pull-request`]: 'true' }, { git: { push: { branch: 'main' } } });
    expect(formatted(samePush).errors).toEqual([
      'clusters/apps.yaml: document 4 (ImageUpdateAutomation apps/apps): spec.git.push.branch: a pull request needs a push branch other than the checkout branch main',
    ]);
    const templateOnly = load(
      { [`${P}push-branch-template`]: 'updates/{{ .AutomationObject.Name }}' },
      { git: {} },
    );
    expect(formatted(templateOnly)).toEqual({
      errors: [],
      warnings: [
        'clusters/apps.yaml: document 4 (ImageUpdateAutomation apps/apps): spec.git.push.branch: Flux ignores image-automation.io/push-branch-template and would push straight to the checkout branch; set spec.git.push.branch too',
      ],
    });
  });

  it('warns about pull-request settings that do nothing without pull-request: "true"', () => {
    expect(formatted(load({ [`${P}pull-request-labels`]: 'x' })).warnings).toEqual([
      `${where}["${P}pull-request-labels"]: ignored: ${P}pull-request is not "true"`,
    ]);
  });
});
