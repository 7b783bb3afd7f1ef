import { describe, expect, it } from 'vitest';
import type { Change } from '../../lib/domain/changes.ts';
import { InvalidConfigError } from '../../lib/domain/errors.ts';
import { renderPushBranch, sanitiseBranchName } from '../../lib/domain/push-branch-name.ts';

const object = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'web' };
const changes: Change[] = [
  {
    file: 'web.yaml',
    line: 2,
    object,
    setter: 'apps:web',
    oldValue: 'r:5000/web:1.0.0',
    newValue: 'r:5000/web:1.1.0@sha256:ab',
  },
];
const input = { automation: { namespace: 'apps', name: 'fleet' }, changes, values: { team: 'payments' } };

describe('templated push branches', () => {
  it.each([
    ['image-updates/{{ .AutomationObject.Name }}', 'image-updates/fleet'],
    [
      'image-updates/{{ .Values.team }}/{{ range .Changed.Changes }}{{ .Setter | replace ":" "-" }}{{ end }}',
      'image-updates/payments/apps-web',
    ],
    // Image references become valid ref names: `:` and `@` runs turn into `-`.
    [
      'image-updates/{{ range .Changed.Changes }}{{ .NewValue }}{{ end }}\n',
      'image-updates/r-5000/web-1.1.0@sha256-ab',
    ],
  ])('%j → %s', (template, expected) => {
    expect(renderPushBranch(template, input)).toBe(expected);
  });

  it.each([
    [' a b ', 'a-b'],
    ['feature..x', 'feature.x'],
    ['/a//b/', 'a/b'],
    ['.hidden/x.lock', 'hidden/x-lock'],
    ['x@{1}', 'x-1}'],
    ['ends.', 'ends'],
    ['a~b^c?d*e[f\\g', 'a-b-c-d-e-f-g'],
  ])('sanitises %j to %j', (raw, expected) => {
    expect(sanitiseBranchName(raw)).toBe(expected);
  });

  it('refuses a template that leaves nothing, naming the annotation', () => {
    expect(() => renderPushBranch('{{ "" }}', input)).toThrow(InvalidConfigError);
    expect(() => renderPushBranch('{{ "" }}', input)).toThrow(
      /image-automation.io\/push-branch-template: rendered ""/,
    );
    expect(() => renderPushBranch('{{ index .Changed.Changes 5 }}', input)).toThrow(
      /^annotation image-automation.io\/push-branch-template: template: /,
    );
  });

  it('stops a runaway branch template at the step budget, naming the annotation', () => {
    expect(() => renderPushBranch('{{ range 100000000000 }}{{ end }}', input)).toThrow(
      /^annotation image-automation.io\/push-branch-template: .*execution exceeds the budget of 1000000 steps$/,
    );
  });
});
