import { describe, expect, it } from 'vitest';
import { resolveForgeTarget } from '../../lib/domain/forge-target.ts';

describe('forge target from the GitRepository URL', () => {
  it.each([
    [
      'https://github.com/acme/fleet.git',
      {},
      { kind: 'github', apiUrl: 'https://api.github.com', project: 'acme/fleet' },
    ],
    [
      'ssh://git@github.com/acme/fleet',
      {},
      { kind: 'github', apiUrl: 'https://api.github.com', project: 'acme/fleet' },
    ],
    [
      'https://gitlab.com/group/sub/fleet.git',
      {},
      { kind: 'gitlab', apiUrl: 'https://gitlab.com/api/v4', project: 'group/sub/fleet' },
    ],
    [
      'https://ghe.example.com/acme/fleet.git',
      { forge: 'github' },
      { kind: 'github', apiUrl: 'https://ghe.example.com/api/v3', project: 'acme/fleet' },
    ],
    [
      'http://127.0.0.1:8080/acme/fleet.git',
      { forge: 'gitlab' },
      { kind: 'gitlab', apiUrl: 'http://127.0.0.1:8080/api/v4', project: 'acme/fleet' },
    ],
    [
      'https://git.example.com/scm/acme/fleet.git',
      { forge: 'gitlab', forgeApiUrl: 'https://api.example.com/gitlab/api/v4/' },
      { kind: 'gitlab', apiUrl: 'https://api.example.com/gitlab/api/v4', project: 'scm/acme/fleet' },
    ],
  ] as const)('%s %j', (url, settings, expected) => {
    expect(resolveForgeTarget(url, settings)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [
      'https://git.example.com/acme/fleet.git',
      {},
      'cannot tell which forge serves git.example.com; set the image-automation.io/forge annotation to github or gitlab',
    ],
    [
      'https://github.com/acme/group/fleet.git',
      {},
      '"https://github.com/acme/group/fleet.git" does not name a GitHub owner/repository',
    ],
    [
      'https://gitlab.com/fleet.git',
      {},
      '"https://gitlab.com/fleet.git" does not name a GitLab group/project',
    ],
  ] as const)('refuses %s', (url, settings, message) => {
    expect(resolveForgeTarget(url, settings)).toEqual({ ok: false, message });
  });
});
