import { cp, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { createDirectoryTree } from '../../lib/adapters/fs/directory-tree.ts';
import { rewriteTree } from '../../lib/app/rewrite-tree.ts';
import { buildSetters } from '../../lib/domain/markers/setters.ts';

/**
 * Golden trees: each `test/fixtures/markers/<case>/original` is copied to a scratch directory,
 * rewritten, and compared byte for byte with `expected/` (which holds every file, changed or not).
 */

const fixtures = fileURLToPath(new URL('../fixtures/markers/', import.meta.url));

const setters = buildSetters([
  { namespace: 'apps', name: 'web', latestRef: { name: 'ghcr.io/acme/web', tag: '1.10' } },
  {
    namespace: 'apps',
    name: 'api',
    latestRef: { name: 'registry.example.com/team/api', tag: 'v2.1.0', digest: `sha256:${'ab'.repeat(32)}` },
  },
  { namespace: 'apps', name: 'batch', latestRef: { name: 'docker.io/acme/batch', tag: '123' } },
]);

const cases: { name: string; changes: number; warnings: number; filesChanged: string[] }[] = [
  { name: 'already-current', changes: 0, warnings: 0, filesChanged: [] },
  { name: 'anchors', changes: 3, warnings: 0, filesChanged: ['values.yaml'] },
  { name: 'block-scalars', changes: 3, warnings: 0, filesChanged: ['kustomization.yaml'] },
  { name: 'crlf', changes: 2, warnings: 0, filesChanged: ['deploy.yaml'] },
  { name: 'flow-collections', changes: 4, warnings: 0, filesChanged: ['pod.yaml'] },
  { name: 'four-space-indent', changes: 2, warnings: 0, filesChanged: ['apps/web/deployment.yaml'] },
  { name: 'head-comment-sequence', changes: 3, warnings: 4, filesChanged: ['images.yaml'] },
  { name: 'kustomization-file', changes: 1, warnings: 0, filesChanged: ['overlays/prod/Kustomization'] },
  { name: 'multi-document', changes: 3, warnings: 0, filesChanged: ['bundle.yaml'] },
  {
    name: 'nested-and-hidden',
    changes: 2,
    warnings: 0,
    filesChanged: ['.config/tools.yaml', 'a/b/c/d/deep.yml'],
  },
  { name: 'no-final-newline', changes: 2, warnings: 0, filesChanged: ['deploy.yml', 'tag-only.yaml'] },
  { name: 'non-candidate-files', changes: 1, warnings: 0, filesChanged: ['deploy.yaml'] },
  { name: 'quote-styles', changes: 14, warnings: 0, filesChanged: ['values.yaml'] },
  { name: 'setter-suffixes', changes: 8, warnings: 1, filesChanged: ['kustomization.yaml'] },
  { name: 'top-level-sequence', changes: 4, warnings: 0, filesChanged: ['list.yaml'] },
  { name: 'unknown-policy', changes: 0, warnings: 3, filesChanged: [] },
  { name: 'unparsable', changes: 1, warnings: 2, filesChanged: ['ok.yaml'] },
  { name: 'utf8-bom', changes: 2, warnings: 1, filesChanged: ['configmap.yaml'] },
];

const listTree = async (root: string): Promise<string[]> => {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
};

describe('rewriteTree over golden trees', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('has a table entry for every fixture case', async () => {
    const dirs = (await readdir(fixtures, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(dirs.sort()).toEqual(cases.map((c) => c.name).sort());
  });

  it.each(cases)('$name', async ({ name, changes, warnings, filesChanged }) => {
    const scratch = await scratchDir();
    cleanup = scratch.remove;
    await cp(join(fixtures, name, 'original'), scratch.path, { recursive: true });

    const result = await rewriteTree(createDirectoryTree(scratch.path), setters);

    const expectedDir = join(fixtures, name, 'expected');
    const files = await listTree(expectedDir);
    expect(await listTree(scratch.path)).toEqual(files);
    for (const file of files) {
      const got = await readFile(join(scratch.path, file));
      const want = await readFile(join(expectedDir, file));
      expect(got.equals(want), `${name}/${file} differs from expected bytes:\n${got.toString('utf8')}`).toBe(
        true,
      );
    }
    expect(result.changes).toHaveLength(changes);
    expect(result.warnings).toHaveLength(warnings);
    expect(result.filesChanged).toEqual(filesChanged);

    // A second run over its own output has nothing left to do.
    const again = await rewriteTree(createDirectoryTree(scratch.path), setters);
    expect(again.changes).toEqual([]);
    expect(again.filesChanged).toEqual([]);
  });
});
