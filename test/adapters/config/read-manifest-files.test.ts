import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../infra/peers/scratch-dir.ts';
import { MAX_MANIFEST_BYTES, readManifestFiles } from '../../../lib/adapters/config/read-manifest-files.ts';

let scratch: { path: string; remove: () => Promise<void> };
let root: string;
let outside: string;

const write = async (path: string, content: string | Uint8Array) => {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
};

beforeAll(async () => {
  scratch = await scratchDir('ia-read-manifests-');
  root = join(scratch.path, 'fleet');
  outside = join(scratch.path, 'outside');
  await write(join(outside, 'secret.yaml'), 'kind: Secret\n');
  await write(join(root, 'b.yaml'), 'kind: B\n');
  await write(join(root, 'a.yml'), 'kind: A\n');
  await write(join(root, 'UPPER.YAML'), 'kind: Upper\n');
  await write(join(root, 'README.md'), '# not a manifest\n');
  await write(join(root, 'apps', 'web', 'policy.yaml'), '\uFEFFkind: Policy\n');
  await write(join(root, '.git', 'config.yaml'), 'kind: Git\n');
  await write(join(root, 'node_modules', 'pkg', 'x.yaml'), 'kind: Module\n');
  await write(join(root, 'binary.yaml'), new Uint8Array([0x6b, 0x3a, 0xff, 0xfe]));
  await write(join(root, 'big.yaml'), 'x'.repeat(2048));
  await symlink(join(root, 'apps'), join(root, 'linked-apps'));
  await symlink(join(root, 'a.yml'), join(root, 'alias.yaml'));
  await symlink(outside, join(root, 'escape'));
  await symlink(join(outside, 'secret.yaml'), join(root, 'escape.yaml'));
  await symlink(join(root, 'missing.yaml'), join(root, 'broken.yaml'));
  await symlink(root, join(root, 'apps', 'loop'));
  await write(join(root, 'nested', 'inner.yaml'), 'kind: Inner\n');
  // Files reachable under two names are read once, under the first name in sorted order
  // (in-link < nested; a.yml < alias.yaml; apps < linked-apps): no duplicate objects downstream.
  await symlink(join(root, 'nested'), join(root, 'in-link'));
});

afterAll(async () => {
  await scratch.remove();
});

describe('readManifestFiles', () => {
  it('reads .yaml/.yml files recursively, sorted, with relative paths, and reports what it cannot use', async () => {
    const read = await readManifestFiles(root, { maxFileBytes: 1024 });
    expect(read.files).toEqual([
      { path: 'UPPER.YAML', text: 'kind: Upper\n' },
      { path: 'a.yml', text: 'kind: A\n' },
      { path: 'apps/web/policy.yaml', text: 'kind: Policy\n' },
      { path: 'b.yaml', text: 'kind: B\n' },
      { path: 'in-link/inner.yaml', text: 'kind: Inner\n' },
    ]);
    expect(read.errors.map((issue) => issue.format())).toEqual([
      'big.yaml: is 2 KiB; files over 1 KiB are not loaded',
      'binary.yaml: is not UTF-8 text',
    ]);
    expect(read.warnings.map((issue) => issue.format()).sort()).toEqual([
      'broken.yaml: is a broken symbolic link; skipped',
      'escape.yaml: is a symbolic link leading outside the directory; skipped',
      'escape: is a symbolic link leading outside the directory; skipped',
    ]);
  });

  it('guards against huge files by default', async () => {
    expect(MAX_MANIFEST_BYTES).toBe(10 * 1024 * 1024);
    const read = await readManifestFiles(root);
    expect(read.files.map((file) => file.path)).toContain('big.yaml');
  });

  it('reads a single file under its own name, whatever its extension', async () => {
    const read = await readManifestFiles(join(root, 'README.md'));
    expect(read).toEqual({
      files: [{ path: 'README.md', text: '# not a manifest\n' }],
      errors: [],
      warnings: [],
    });
  });

  it('reports a missing path instead of throwing', async () => {
    const missing = join(scratch.path, 'nope');
    const read = await readManifestFiles(missing);
    expect(read.files).toEqual([]);
    expect(read.errors.map((issue) => issue.format())).toEqual([
      `${missing}: cannot be read: no such file or directory`,
    ]);
  });
});
