import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../lib/domain/changes.ts';
import { appendTrailers, imageUpdateTrailers } from '../../lib/domain/commit-trailers.ts';

const object = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'web' };
const change = (overrides: Partial<Change>): Change => ({
  file: 'apps/web.yaml',
  line: 3,
  object,
  setter: 'apps:web',
  oldValue: 'ghcr.io/acme/web:1.4.1',
  newValue: 'ghcr.io/acme/web:1.4.2@sha256:aaa',
  ...overrides,
});
const web = {
  namespace: 'apps',
  name: 'web',
  latestRef: { name: 'ghcr.io/acme/web', tag: '1.4.2', digest: 'sha256:aaa' },
};
const api = { namespace: 'apps', name: 'api', latestRef: { name: 'ghcr.io/acme/api', tag: '2.0.0' } };

describe('Image-Update trailers', () => {
  it.each<[string, Change[], string[]]>([
    ['a full reference', [change({})], ['Image-Update: apps/web ghcr.io/acme/web 1.4.1 -> 1.4.2@sha256:aaa']],
    [
      'a pinned full reference, deduplicated across files',
      [
        change({ oldValue: 'ghcr.io/acme/web:1.4.1@sha256:old' }),
        change({ file: 'b.yaml', oldValue: 'ghcr.io/acme/web:1.4.1@sha256:old' }),
      ],
      ['Image-Update: apps/web ghcr.io/acme/web 1.4.1@sha256:old -> 1.4.2@sha256:aaa'],
    ],
    [
      'tag and digest markers of one object',
      [
        change({ setter: 'apps:web:tag', oldValue: '1.4.0', newValue: '1.4.2' }),
        change({ setter: 'apps:web:digest', line: 4, oldValue: 'sha256:old', newValue: 'sha256:aaa' }),
      ],
      ['Image-Update: apps/web ghcr.io/acme/web 1.4.0@sha256:old -> 1.4.2@sha256:aaa'],
    ],
    [
      'files at different versions (a registry with a port), and a policy without digest',
      [
        change({}),
        change({ file: 'staging/web.yaml', oldValue: 'localhost:5000/web:1.3.9' }),
        change({
          setter: 'apps:api:tag',
          object: { ...object, name: 'api' },
          oldValue: '1.9.0',
          newValue: '2.0.0',
        }),
      ],
      [
        'Image-Update: apps/web ghcr.io/acme/web 1.4.1,1.3.9 -> 1.4.2@sha256:aaa',
        'Image-Update: apps/api ghcr.io/acme/api 1.9.0 -> 2.0.0',
      ],
    ],
    [
      'a digest only (mutable tag)',
      [change({ setter: 'apps:web:digest', oldValue: 'sha256:old' })],
      ['Image-Update: apps/web ghcr.io/acme/web @sha256:old -> 1.4.2@sha256:aaa'],
    ],
  ])('%s', (_name, changes, expected) => {
    expect(imageUpdateTrailers(changes, [web, api])).toEqual(expected);
  });

  it('appends after the message as rendered, separated by exactly one blank line', () => {
    const trailers = ['Image-Update: a b 1 -> 2'];
    expect(appendTrailers('Update', trailers)).toBe('Update\n\nImage-Update: a b 1 -> 2\n');
    expect(appendTrailers('Update\n', trailers)).toBe('Update\n\nImage-Update: a b 1 -> 2\n');
    expect(appendTrailers('Update\n\n', trailers)).toBe('Update\n\nImage-Update: a b 1 -> 2\n');
    expect(appendTrailers('Update\n', [])).toBe('Update\n');
  });

  it('is read back by git interpret-trailers --parse, even after a body that ends in a trailer-like line', async () => {
    const message = appendTrailers(
      'Update images\n\n- web: 1.4.1 -> 1.4.2\nNote: see the PR\n',
      imageUpdateTrailers(
        [change({}), change({ setter: 'apps:api:tag', oldValue: '1.9.0', newValue: '2.0.0' })],
        [web, api],
      ),
    );
    const child = promisify(execFile)('git', ['interpret-trailers', '--parse'], {
      env: { PATH: process.env.PATH },
    });
    child.child.stdin?.end(message);
    expect((await child).stdout).toBe(
      'Image-Update: apps/web ghcr.io/acme/web 1.4.1 -> 1.4.2@sha256:aaa\nImage-Update: apps/api ghcr.io/acme/api 1.9.0 -> 2.0.0\n',
    );
  });
});
