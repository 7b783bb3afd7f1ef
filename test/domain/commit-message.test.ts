import { describe, expect, it } from 'vitest';
import type { Change, ObjectIdentifier } from '../../lib/domain/changes.ts';
import {
  type CommitMessageInput,
  DEFAULT_COMMIT_MESSAGE,
  renderCommitMessage,
  validateCommitTemplate,
} from '../../lib/domain/commit-message.ts';
import { InvalidConfigError } from '../../lib/domain/errors.ts';

// The data of image-automation-controller's commit-message tests (flux-policy-cases.md §M5): one
// Deployment `test` without namespace in deploy.yaml, helloworld:1.0.0 → v1.0.0, policy <ns>:<policy>.
const NS = 'image-auto-test-x1';
const POLICY = 'policy-y2';
const deployment: ObjectIdentifier = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: '',
  name: 'test',
};
const change = (overrides: Partial<Change> = {}): Change => ({
  file: 'deploy.yaml',
  line: 18,
  object: deployment,
  setter: `${NS}:${POLICY}`,
  oldValue: 'helloworld:1.0.0',
  newValue: 'helloworld:v1.0.0',
  ...overrides,
});
const fluxTestInput: CommitMessageInput = {
  automation: { namespace: NS, name: 'update-test' },
  changes: [change()],
};

const thrown = (f: () => unknown): InvalidConfigError => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as InvalidConfigError;
  }
  throw new Error('expected an error');
};

describe('Flux controller test templates render as Flux renders them', () => {
  it('the summary template over Objects and Changes', () => {
    const template = [
      'Commit summary',
      '',
      'Automation: {{ .AutomationObject }}',
      '',
      'Files:',
      '{{ range $filename, $_ := .Changed.FileChanges -}}',
      '- {{ $filename }}',
      '{{ end -}}',
      '',
      'Objects:',
      '{{ range $resource, $_ := .Changed.Objects -}}',
      '{{ if eq $resource.Kind "Deployment" -}}',
      '- {{ $resource.Kind | lower }} {{ $resource.Name | lower }}',
      '{{ else -}}',
      '- {{ $resource.Kind }} {{ $resource.Name }}',
      '{{ end -}}',
      '{{ end -}}',
      '',
      'Images:',
      '{{ range .Changed.Changes -}}',
      '{{ if .Setter -}}',
      '- {{.NewValue}} ({{.Setter}})',
      '{{ end -}}',
      '{{ end -}}',
      '',
    ].join('\n');
    expect(renderCommitMessage(template, fluxTestInput)).toBe(
      `Commit summary\n\nAutomation: ${NS}/update-test\n\nFiles:\n- deploy.yaml\nObjects:\n- deployment test\nImages:\n- helloworld:v1.0.0 (${NS}:${POLICY})\n`,
    );
  });

  it('the FileChanges template prints the empty namespace as Deployment//test', () => {
    const template = [
      'Commit summary with ResultV2',
      '',
      'Automation: {{ .AutomationObject }}',
      '',
      '{{ range $filename, $objchange := .Changed.FileChanges -}}',
      '- File: {{ $filename }}',
      '{{- range $obj, $changes := $objchange }}',
      '  - Object: {{ $obj.Kind }}/{{ $obj.Namespace }}/{{ $obj.Name }}',
      '    Changes:',
      '{{- range $_ , $change := $changes }}',
      '    - {{ $change.OldValue }} -> {{ $change.NewValue }} ({{ $change.Setter }})',
      '{{ end -}}',
      '{{ end -}}',
      '{{ end -}}',
      '',
    ].join('\n');
    expect(renderCommitMessage(template, fluxTestInput)).toBe(
      `Commit summary with ResultV2\n\nAutomation: ${NS}/update-test\n\n- File: deploy.yaml\n  - Object: Deployment//test\n    Changes:\n    - helloworld:1.0.0 -> helloworld:v1.0.0 (${NS}:${POLICY})\n`,
    );
  });
});

describe("the examples of Flux's ImageUpdateAutomation documentation", () => {
  const header = ['Automated image update', '', 'Automation name: {{ .AutomationObject }}', '', 'Files:'];
  const files = [
    '{{ range $filename, $_ := .Changed.FileChanges -}}',
    '- {{ $filename }}',
    '{{ end -}}',
    '',
    'Objects:',
  ];

  it('ranging Objects and their changes', () => {
    const template = [
      ...header,
      ...files,
      '{{ range $resource, $changes := .Changed.Objects -}}',
      '- {{ $resource.Kind }} {{ $resource.Name }}',
      '  Changes:',
      '{{- range $_, $change := $changes }}',
      '    - {{ $change.OldValue }} -> {{ $change.NewValue }}',
      '{{ end -}}',
      '{{ end -}}',
      '',
    ].join('\n');
    expect(renderCommitMessage(template, fluxTestInput)).toBe(
      `Automated image update\n\nAutomation name: ${NS}/update-test\n\nFiles:\n- deploy.yaml\nObjects:\n- Deployment test\n  Changes:\n    - helloworld:1.0.0 -> helloworld:v1.0.0\n`,
    );
  });

  it('using functions (lower, contains) to shape the message', () => {
    const template = [
      ...header,
      ...files,
      '{{ range $resource, $changes := .Changed.Objects -}}',
      '- {{ $resource.Kind | lower }} {{ $resource.Name | lower }}',
      '  Changes:',
      '{{- range $_, $change := $changes }}',
      '  {{ if contains "5.0.3" $change.NewValue -}}',
      '    - {{ $change.OldValue }} -> {{ $change.NewValue }}',
      '  {{ else -}}',
      '    [skip ci] wrong image',
      '  {{ end -}}',
      '{{ end -}}',
      '{{ end -}}',
      '',
    ].join('\n');
    const expectedHead = `Automated image update\n\nAutomation name: ${NS}/update-test\n\nFiles:\n- deploy.yaml\nObjects:\n- deployment test\n  Changes:\n  `;
    expect(renderCommitMessage(template, fluxTestInput)).toBe(`${expectedHead}[skip ci] wrong image\n  `);
    const matching = { ...fluxTestInput, changes: [change({ newValue: 'podinfo:5.0.3' })] };
    expect(renderCommitMessage(template, matching)).toBe(
      `${expectedHead}- helloworld:1.0.0 -> podinfo:5.0.3\n  `,
    );
  });

  it('falls back with default when a value is missing', () => {
    const template = 'cluster {{ .Values.cluster | default "dev" }}';
    expect(renderCommitMessage(template, fluxTestInput)).toBe('cluster dev');
    expect(renderCommitMessage(template, { ...fluxTestInput, values: { cluster: 'prod' } })).toBe(
      'cluster prod',
    );
  });

  it('ranges over messageTemplateValues in key order', () => {
    const values = { zone: 'eu', cluster: 'prod', app: 'web' };
    const template = '{{ range $k, $v := .Values }}{{ $k }}={{ $v }} {{ end }}';
    expect(renderCommitMessage(template, { ...fluxTestInput, values })).toBe('app=web cluster=prod zone=eu ');
  });

  it('messageTemplateValues', () => {
    const template = 'Automated image update by Flux for cluster {{ .Values.cluster }}.';
    expect(renderCommitMessage(template, { ...fluxTestInput, values: { cluster: 'prod' } })).toBe(
      'Automated image update by Flux for cluster prod.',
    );
    expect(renderCommitMessage(template, fluxTestInput)).toBe(
      'Automated image update by Flux for cluster <no value>.',
    );
  });
});

describe('default and verbatim output', () => {
  it.each([undefined, ''])('%j renders the default message', (template) => {
    expect(renderCommitMessage(template, fluxTestInput)).toBe(DEFAULT_COMMIT_MESSAGE);
    expect(DEFAULT_COMMIT_MESSAGE).toBe('Update from image update automation');
  });

  it('keeps leading and trailing whitespace', () => {
    expect(renderCommitMessage('\n  {{ .AutomationObject.Name }}  \n\n', fluxTestInput)).toBe(
      '\n  update-test  \n\n',
    );
  });

  it('exposes the data model fields', () => {
    const template =
      '{{ .AutomationObject.Namespace }}|{{ .AutomationObject.Name }}|{{ range $o, $c := .Changed.Objects }}{{ $o.APIVersion }},{{ $o.Kind }},{{ $o.Name }},[{{ $o.Namespace }}]={{ len $c }}{{ end }}';
    expect(renderCommitMessage(template, fluxTestInput)).toBe(
      `${NS}|update-test|apps/v1,Deployment,test,[]=1`,
    );
  });

  it('prints Go values as %v does', () => {
    expect(
      renderCommitMessage('{{ range $o, $c := .Changed.Objects }}{{ $o }} {{ $c }}{{ end }}', fluxTestInput),
    ).toBe(`{{{apps/v1 Deployment} {test }}} [{helloworld:1.0.0 helloworld:v1.0.0 ${NS}:${POLICY}}]`);
    expect(renderCommitMessage('{{ toJson .Changed.Changes }}', fluxTestInput)).toBe(
      `[{"OldValue":"helloworld:1.0.0","NewValue":"helloworld:v1.0.0","Setter":"${NS}:${POLICY}"}]`,
    );
  });
});

describe('ordering is Go map order and independent of input order', () => {
  const id = (apiVersion: string, kind: string, name: string, namespace: string): ObjectIdentifier => ({
    apiVersion,
    kind,
    name,
    namespace,
  });
  const changes: Change[] = [
    change({ file: 'b/apps.yaml', object: id('v1', 'ConfigMap', 'cfg', 'x'), setter: 'ns:p3' }),
    change({ file: 'b/apps.yaml', object: id('apps/v1', 'Deployment', 'web', 'prod'), setter: 'ns:p1' }),
    change({
      file: 'a/values.yaml',
      object: id('', '', '', ''),
      setter: 'ns:p2:tag',
      oldValue: '1.0',
      newValue: '1.1',
    }),
    change({ file: 'b/apps.yaml', object: id('apps/v1', 'Deployment', 'web', 'dev'), setter: 'ns:p1' }),
    change({ file: 'b/apps.yaml', object: id('apps/v1', 'Deployment', 'api', 'prod'), setter: 'ns:p4' }),
    change({
      file: 'c/more-values.yaml',
      object: id('', '', '', ''),
      setter: 'ns:p2:tag',
      oldValue: '1.0',
      newValue: '1.1',
    }),
  ];
  const template = [
    '{{ range $f, $objs := .Changed.FileChanges }}{{ $f }}:{{ range $o, $_ := $objs }} {{ $o.Kind }}/{{ $o.Name }}.{{ $o.Namespace }}{{ end }}',
    '{{ end }}objects:{{ range $o, $c := .Changed.Objects }} [{{ $o.APIVersion }} {{ $o.Kind }} {{ $o.Name }} {{ $o.Namespace }}]x{{ len $c }}{{ end }}',
    'changes:{{ range .Changed.Changes }} {{ .Setter }}{{ end }}',
  ].join('\n');
  const input = (list: Change[]): CommitMessageInput => ({
    automation: { namespace: 'ns', name: 'a' },
    changes: list,
  });

  it('sorts files byte-wise and objects by APIVersion, Kind, Name, Namespace', () => {
    expect(renderCommitMessage(template, input(changes))).toBe(
      [
        'a/values.yaml: /.',
        'b/apps.yaml: Deployment/api.prod Deployment/web.dev Deployment/web.prod ConfigMap/cfg.x',
        'c/more-values.yaml: /.',
        'objects: [   ]x2 [apps/v1 Deployment api prod]x1 [apps/v1 Deployment web dev]x1 [apps/v1 Deployment web prod]x1 [v1 ConfigMap cfg x]x1',
        'changes: ns:p2:tag ns:p4 ns:p1 ns:p3',
      ].join('\n'),
    );
  });

  it('renders the same message for any order of the changes', () => {
    const expected = renderCommitMessage(template, input(changes));
    expect(renderCommitMessage(template, input([...changes].reverse()))).toBe(expected);
    const rotated = [...changes.slice(3), ...changes.slice(0, 3)];
    expect(renderCommitMessage(template, input(rotated))).toBe(expected);
    expect(renderCommitMessage(template, input(changes))).toBe(expected);
  });
});

describe('removed fields fail with RemovedTemplateField', () => {
  it.each([
    ['{{ range .Updated.Images }}{{ . }}{{ end }}', '.Updated', "template uses removed '.Updated' field"],
    ['{{ $.Updated.Files }}', '.Updated', "template uses removed '.Updated' field"],
    [
      '{{ range $f, $_ := .Changed.ImageResult.Files }}{{ $f }}{{ end }}',
      '.Changed.ImageResult',
      "template uses removed '.Changed.ImageResult' field",
    ],
    [
      '{{ with .Changed }}{{ .ImageResult }}{{ end }}',
      '.Changed.ImageResult',
      "template uses removed '.Changed.ImageResult' field",
    ],
  ])('%s', (template, field, message) => {
    const error = thrown(() => renderCommitMessage(template, fluxTestInput));
    expect(error.message).toContain(message);
    expect(error.data).toMatchObject({ reason: 'RemovedTemplateField', field });
    expect(validateCommitTemplate(template)).toEqual([expect.stringContaining(message)]);
  });

  it('detects a removed field reached only at run time', () => {
    const template = '{{ $c := index (list .Changed) 0 }}{{ $c.ImageResult }}';
    expect(validateCommitTemplate(template)).toEqual([]);
    const error = thrown(() => renderCommitMessage(template, fluxTestInput));
    expect(error.data).toMatchObject({ reason: 'RemovedTemplateField', field: '.Changed.ImageResult' });
  });

  it('does not mistake a user key named Updated for the removed field', () => {
    const template = '{{ with dict "Updated" "yes" }}{{ .Updated }}{{ end }}';
    expect(validateCommitTemplate(template)).toEqual([]);
    expect(renderCommitMessage(template, fluxTestInput)).toBe('yes');
  });
});

describe('other template errors', () => {
  it('parse errors carry Flux prefix, Go message and line', () => {
    const error = thrown(() => renderCommitMessage('ok\n{{ .Changed | nosuch }}', fluxTestInput));
    expect(error.message).toBe(
      'unable to create commit message template from spec: template: commit message:2: function "nosuch" not defined',
    );
    expect(error.data).toMatchObject({ reason: 'TemplateParseError', line: 2 });
  });

  it('execution errors carry Flux prefix, Go message, line and column', () => {
    const error = thrown(() => renderCommitMessage('Update\n{{ .Changed.Files }}', fluxTestInput));
    expect(error.message).toBe(
      'failed to run template from spec: template: commit message:2:11: executing "commit message" at <.Changed.Files>: can\'t evaluate field Files in type update.Result',
    );
    expect(error.data).toMatchObject({ reason: 'TemplateExecError', line: 2, column: 11 });
  });

  it.each([
    ['{{ index .Changed.Changes 3 }}', 'error calling index: index out of range: 3'],
    ['{{ .AutomationObject.Name.First }}', "can't evaluate field First in type string"],
    ['{{ lower .AutomationObject }}', 'wrong type for value; expected string; got types.NamespacedName'],
    ['{{ keys .Values }}', 'wrong type for value; expected map[string]interface {}; got map[string]string'],
    ['{{ .Changed.Changes 1 }}', 'wrong number of args for Changes: want 0 got 1'],
  ])('%s', (template, message) => {
    expect(thrown(() => renderCommitMessage(template, fluxTestInput)).message).toContain(message);
  });
});

describe('validateCommitTemplate', () => {
  it.each([
    ['plain text', 'Automated image update'],
    [
      'the data model',
      '{{ .AutomationObject }} {{ .Values.anything }} {{ range .Changed.Changes }}{{ .NewValue }}{{ end }}',
    ],
    [
      'variables of range over Objects',
      '{{ range $o, $c := .Changed.Objects }}{{ $o.Kind }}{{ range $c }}{{ .Setter }}{{ end }}{{ end }}',
    ],
    [
      'defined templates',
      '{{ define "c" }}{{ .NewValue }}{{ end }}{{ range .Changed.Changes }}{{ template "c" . }}{{ end }}',
    ],
    ['empty', ''],
  ])('accepts %s', (_name, template) => {
    expect(validateCommitTemplate(template)).toEqual([]);
  });

  it.each([
    [
      'a parse error',
      '{{ if }}',
      'unable to create commit message template from spec: template: commit message:1: missing value for if',
    ],
    [
      'an unknown field',
      '{{ .Changes }}',
      "template: commit message:1:3: at <.Changes>: can't evaluate field Changes in type source.TemplateData",
    ],
    [
      'an unknown field inside range',
      '{{ range .Changed.Changes }}{{ .Image }}{{ end }}',
      "template: commit message:1:31: at <.Image>: can't evaluate field Image in type update.Change",
    ],
    [
      'an unknown field in a called template',
      '{{ define "c" }}{{ .Tag }}{{ end }}{{ range .Changed.Changes }}{{ template "c" . }}{{ end }}',
      "template: commit message:1:19: at <.Tag>: can't evaluate field Tag in type update.Change",
    ],
    [
      'an unsupported function',
      '{{ semverCompare ">1" "2" }}',
      'template uses function "semverCompare", which is not supported: it is not implemented by image-automation',
    ],
  ])('reports %s', (_name, template, message) => {
    expect(validateCommitTemplate(template)).toEqual([message]);
  });
});
