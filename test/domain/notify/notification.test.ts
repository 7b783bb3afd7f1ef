import { describe, expect, it } from 'vitest';
import type { Change } from '../../../lib/domain/changes.ts';
import { buildNotification, groupChangesByPolicy } from '../../../lib/domain/notify/notification.ts';

const object = { apiVersion: '', kind: '', namespace: '', name: '' };
const change = (setter: string, oldValue: string, newValue: string, file = 'a.yaml', line = 1): Change => ({
  file,
  line,
  object,
  setter,
  oldValue,
  newValue,
});

describe('groupChangesByPolicy', () => {
  it('groups per policy in first-seen order, with old and new tags and the digest', () => {
    const changes = [
      change('apps:api:tag', '0.9.0', '2.0.0', 'api.yaml', 3),
      change('apps:api:digest', '', 'sha256:new', 'api.yaml', 4),
      change('apps:web', 'ghcr.io/acme/web:1.0.0', 'ghcr.io/acme/web:1.1.0@sha256:w', 'web.yaml', 9),
    ];
    const policies = [
      {
        namespace: 'apps',
        name: 'web',
        latestRef: { name: 'ghcr.io/acme/web', tag: '1.1.0', digest: 'sha256:w' },
      },
      {
        namespace: 'apps',
        name: 'api',
        latestRef: { name: 'ghcr.io/acme/api', tag: '2.0.0', digest: 'sha256:new' },
      },
    ];
    expect(groupChangesByPolicy(changes, policies)).toEqual([
      {
        policy: 'apps/api',
        image: 'ghcr.io/acme/api',
        from: '0.9.0',
        digest: 'sha256:new',
        to: '2.0.0',
        files: [
          { file: 'api.yaml', line: 3, setter: 'apps:api:tag', old: '0.9.0', new: '2.0.0' },
          { file: 'api.yaml', line: 4, setter: 'apps:api:digest', old: '', new: 'sha256:new' },
        ],
      },
      {
        policy: 'apps/web',
        image: 'ghcr.io/acme/web',
        from: '1.0.0',
        to: '1.1.0',
        digest: 'sha256:w',
        files: [
          {
            file: 'web.yaml',
            line: 9,
            setter: 'apps:web',
            old: 'ghcr.io/acme/web:1.0.0',
            new: 'ghcr.io/acme/web:1.1.0@sha256:w',
          },
        ],
      },
    ]);
  });
});

describe('buildNotification', () => {
  const base = { automation: { namespace: 'apps', name: 'fleet' }, time: 't', changes: [] };
  it.each([
    [{ event: 'pushed', commit: '0123456789', branch: 'main' }, 'apps/fleet pushed 0123456 to main'],
    [
      {
        event: 'pull-request-opened',
        branch: 'image-updates',
        pullRequest: { url: 'u', number: 3, action: 'opened' },
      },
      'apps/fleet opened pull request #3 from image-updates',
    ],
    [
      { event: 'failed', error: { code: 'Auth', message: 'refused', retryable: false } },
      'apps/fleet failed: Auth: refused',
    ],
  ] as const)('summarises %j', (fields, summary) => {
    expect(buildNotification({ ...base, ...fields })).toMatchObject({ version: 1, summary });
  });
});
