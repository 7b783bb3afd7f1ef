import { execFile } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { main } from '../../lib/local/cli.ts';
import { recordingIo } from '../helpers/cli-io.ts';

const policy = (spec: string) => `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata:
  name: web
  namespace: apps
spec:
  imageRepositoryRef:
    name: web
${spec}`;

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await scratchDir('ia-cli-');
});
afterAll(() => dir.remove());

const write = async (name: string, text: string) => {
  await writeFile(join(dir.path, name), text);
  return join(dir.path, name);
};

describe('image-automation eval', () => {
  it('prints the selected tag alone and exits 0', async () => {
    const file = await write(
      'semver.yaml',
      policy('  policy:\n    semver:\n      range: ">=1.0.0 <2.0.0"\n'),
    );
    const run = recordingIo({ stdin: '1.0.0\n\n1.4.2\n2.0.0\n1.5.0-rc.1\n' });
    expect(await main(['eval', '--policy', file, '--tags', '-'], run.io)).toBe(0);
    expect(run.stdout()).toBe('1.4.2\n');
  });

  it('exits 1 with the reason on stderr when nothing is selected', async () => {
    const file = await write('none.yaml', policy('  policy:\n    semver:\n      range: "^3.0.0"\n'));
    const run = recordingIo({ stdin: '1.0.0\nlatest\n' });
    expect(await main(['eval', '--policy', file, '--tags', '-'], run.io)).toBe(1);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toMatch(/no tag selected/);
  });

  it('exits 2 and names the field of an invalid policy', async () => {
    const file = await write('bad.yaml', policy('  policy:\n    semver:\n      range: "1.x.y"\n'));
    const run = recordingIo({ stdin: '1.0.0\n' });
    expect(await main(['eval', '--policy', file, '--tags', '-'], run.io)).toBe(2);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toMatch(
      /bad\.yaml.*ImagePolicy apps\/web.*spec\.policy\.semver\.range: invalid constraint "1\.x\.y"/,
    );
  });

  it('exits 2 for a missing file or a missing option', async () => {
    const missing = recordingIo();
    expect(await main(['eval', '--policy', join(dir.path, 'nope.yaml'), '--tags', '-'], missing.io)).toBe(2);
    expect(missing.stderr()).toMatch(/nope\.yaml: no such file/);
    const noTags = recordingIo();
    expect(await main(['eval', '--policy', 'x.yaml'], noTags.io)).toBe(2);
    expect(noTags.stderr()).toMatch(/--tags is required/);
  });
});

describe('image-automation rewrite', () => {
  it('rewrites markers in place and reports changes and warnings as JSON', async () => {
    const repo = await scratchDir('ia-cli-repo-');
    try {
      await writeFile(
        join(repo.path, 'app.yaml'),
        'spec:\n  image: ghcr.io/acme/web:1.0.0 # {"$imagepolicy": "apps:web"}\n  other: x:1 # {"$imagepolicy": "apps:gone"}\n',
      );
      const policies = await write(
        'policies.yaml',
        'apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {name: web, namespace: apps}\nstatus:\n  latestRef: {name: ghcr.io/acme/web, tag: 1.1.0, digest: "sha256:abc"}\n',
      );
      const run = recordingIo();
      expect(await main(['rewrite', '--dir', repo.path, '--policies', policies], run.io)).toBe(0);
      const report = JSON.parse(run.stdout());
      expect(report.changes).toEqual([
        {
          file: 'app.yaml',
          line: 2,
          setter: 'apps:web',
          old: 'ghcr.io/acme/web:1.0.0',
          new: 'ghcr.io/acme/web:1.1.0@sha256:abc',
        },
      ]);
      expect(report.warnings).toEqual([
        expect.objectContaining({ file: 'app.yaml', line: 3, message: expect.stringContaining('apps:gone') }),
      ]);
      expect(await readFile(join(repo.path, 'app.yaml'), 'utf8')).toBe(
        'spec:\n  image: ghcr.io/acme/web:1.1.0@sha256:abc # {"$imagepolicy": "apps:web"}\n  other: x:1 # {"$imagepolicy": "apps:gone"}\n',
      );
    } finally {
      await repo.remove();
    }
  });

  it('exits 2 on an invalid policies file', async () => {
    const policies = await write('broken.yaml', 'kind: ImagePolicy\nmetadata: [\n');
    const run = recordingIo();
    expect(await main(['rewrite', '--dir', dir.path, '--policies', policies], run.io)).toBe(2);
    expect(run.stderr()).toMatch(/broken\.yaml/);
  });
});

describe('image-automation validate', () => {
  it('accepts a valid configuration', async () => {
    const run = recordingIo();
    expect(await main(['validate', '--config', 'test/fixtures/config/fleet'], run.io)).toBe(0);
    expect(run.stdout()).toMatch(/valid/);
  });

  it('lists every error, not only the first, and exits 2', async () => {
    const config = await scratchDir('ia-cli-config-');
    try {
      await cp('test/fixtures/config/fleet', config.path, { recursive: true });
      await writeFile(
        join(config.path, 'broken.yaml'),
        `${policy('  policy:\n    semver:\n      range: "1.x.y"\n')}---\n${policy('  policy: {}\n').replace('name: web\n  namespace', 'name: other\n  namespace')}`,
      );
      const run = recordingIo();
      expect(await main(['validate', '--config', config.path], run.io)).toBe(2);
      expect(run.stderr()).toMatch(
        /broken\.yaml: document 1 \(ImagePolicy apps\/web\): spec\.policy\.semver\.range: invalid constraint "1\.x\.y"/,
      );
      expect(run.stderr()).toMatch(/broken\.yaml: document 2 \(ImagePolicy apps\/other\): spec\.policy/);
      expect(run.stderr()).toMatch(/2 errors/);
    } finally {
      await config.remove();
    }
  });
});

describe('image-automation binary', () => {
  it('runs with npx right after npm ci, on Node 22, and lists its commands', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'image-automation', '--help'], {
      encoding: 'utf8',
    });
    for (const command of ['eval', 'rewrite', 'validate']) expect(stdout).toContain(command);
    const { stdout: version } = await promisify(execFile)('npm', ['run', '--silent', 'guard'], {
      encoding: 'utf8',
    });
    expect(version).toMatch(/^node 22\./);
  });

  it('answers an unknown command with exit 2 and the overview', async () => {
    const run = recordingIo();
    expect(await main(['frobnicate'], run.io)).toBe(2);
    expect(run.stderr()).toMatch(/unknown command "frobnicate"/);
  });
});
