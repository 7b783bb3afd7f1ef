import { describe, expect, it } from 'vitest';
import { rewriteTree } from '../../lib/app/rewrite-tree.ts';
import { InvalidConfigError } from '../../lib/domain/errors.ts';
import { buildSetters } from '../../lib/domain/markers/setters.ts';
import type { FileTree, TreeFile } from '../../lib/ports/file-tree.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);

/** An in-memory FileTree that records what was asked of it. */
const memoryTree = (files: Record<string, string | Uint8Array>, options: { failReading?: string } = {}) => {
  const contents = new Map(
    Object.entries(files).map(([path, c]) => [path, typeof c === 'string' ? encode(c) : c]),
  );
  const calls = { listed: [] as string[], read: [] as string[], written: [] as string[] };
  const tree: FileTree = {
    async listFiles(dir) {
      calls.listed.push(dir);
      const prefix = dir === '' ? '' : `${dir}/`;
      return [...contents.keys()]
        .filter((path) => path === dir || path.startsWith(prefix))
        .sort()
        .map((path): TreeFile => ({ path }));
    },
    async readFile(path) {
      calls.read.push(path);
      if (path === options.failReading) throw new Error(`cannot read ${path}`);
      const content = contents.get(path);
      if (!content) throw new Error(`no such file ${path}`);
      return content;
    },
    async writeFile(path, content) {
      calls.written.push(path);
      contents.set(path, content);
    },
  };
  return { tree, calls, text: (path: string) => decode(contents.get(path) ?? new Uint8Array()) };
};

const setters = buildSetters([
  { namespace: 'apps', name: 'web', latestRef: { name: 'ghcr.io/acme/web', tag: '2.0' } },
]);
const marked = (value: string) => `image: ${value} # {"$imagepolicy": "apps:web"}\n`;

describe('rewriteTree', () => {
  it('rewrites marked candidates, reports paths from the tree root and writes only changed files', async () => {
    const { tree, calls, text } = memoryTree({
      'clusters/prod/a.yaml': marked('old'),
      'clusters/prod/b.yml': marked('ghcr.io/acme/web:2.0'),
      'clusters/prod/c.yaml': 'image: old\n',
      'clusters/prod/values.json': marked('old'),
      'clusters/staging/d.yaml': marked('old'),
    });

    const result = await rewriteTree(tree, setters, { path: './clusters/prod/' });

    expect(calls.listed).toEqual(['clusters/prod']);
    expect(calls.read).toEqual(['clusters/prod/a.yaml', 'clusters/prod/b.yml', 'clusters/prod/c.yaml']);
    expect(calls.written).toEqual(['clusters/prod/a.yaml']);
    expect(result.filesChanged).toEqual(['clusters/prod/a.yaml']);
    expect(result.changes).toEqual([
      expect.objectContaining({
        file: 'clusters/prod/a.yaml',
        line: 1,
        oldValue: 'old',
        newValue: 'ghcr.io/acme/web:2.0',
      }),
    ]);
    expect(text('clusters/prod/a.yaml')).toBe(marked('ghcr.io/acme/web:2.0'));
    expect(text('clusters/staging/d.yaml')).toBe(marked('old'));
  });

  it('scans the whole tree by default and returns changes in file then document order', async () => {
    const { tree } = memoryTree({
      'b.yaml': `${marked('old')}x: y\n${marked('old2')}`.replace('image: old2', 'other: old2'),
      'a/Kustomization': marked('old'),
    });

    const result = await rewriteTree(tree, setters);

    expect(result.changes.map((c) => [c.file, c.line])).toEqual([
      ['a/Kustomization', 1],
      ['b.yaml', 1],
      ['b.yaml', 3],
    ]);
  });

  it('refuses a path that leaves the tree before touching it', async () => {
    const { tree, calls } = memoryTree({ 'a.yaml': marked('old') });

    await expect(rewriteTree(tree, setters, { path: '../elsewhere' })).rejects.toBeInstanceOf(
      InvalidConfigError,
    );
    await expect(rewriteTree(tree, setters, { path: '/etc' })).rejects.toBeInstanceOf(InvalidConfigError);
    expect(calls.listed).toEqual([]);
  });

  it('writes nothing when any file fails before all contents are computed', async () => {
    const { tree, calls } = memoryTree(
      { 'a.yaml': marked('old'), 'b.yaml': marked('old') },
      { failReading: 'b.yaml' },
    );

    await expect(rewriteTree(tree, setters)).rejects.toThrow('cannot read b.yaml');
    expect(calls.written).toEqual([]);
  });

  it('skips a file that is not UTF-8 with a warning, keeping its bytes', async () => {
    const latin1 = Uint8Array.from([...encode(marked('old')), 0xe9, 0x0a]);
    const { tree, calls } = memoryTree({ 'latin1.yaml': latin1, 'ok.yaml': marked('old') });

    const result = await rewriteTree(tree, setters);

    expect(result.warnings).toEqual([
      { file: 'latin1.yaml', line: 1, message: expect.stringContaining('UTF-8') },
    ]);
    expect(calls.written).toEqual(['ok.yaml']);
  });

  it('keeps the BOM and every other byte of a UTF-8 file', async () => {
    const original = `\uFEFF# é — 日本\r\n${marked('old').replace('\n', '\r\n')}`;
    const { tree, text } = memoryTree({ 'bom.yaml': original });

    await rewriteTree(tree, setters);

    expect(text('bom.yaml')).toBe(original.replace('image: old', 'image: ghcr.io/acme/web:2.0'));
  });

  it('passes warnings through: unknown setters and unparsable files', async () => {
    const { tree, calls } = memoryTree({
      'a.yaml': 'image: x # {"$imagepolicy": "other:policy"}\n',
      'b.yaml': `{{ if }}\n  - ${marked('old')}`,
    });

    const result = await rewriteTree(tree, setters);

    expect(result.warnings.map((w) => [w.file, w.line])).toEqual([
      ['a.yaml', 1],
      ['b.yaml', 2],
    ]);
    expect(result.changes).toEqual([]);
    expect(calls.written).toEqual([]);
  });

  it('leaves a marked file over maxFileBytes as is, with a warning naming it and its size', async () => {
    const big = `${marked('old')}${'# padding\n'.repeat(200)}`;
    const { tree, calls, text } = memoryTree({ 'big.yaml': big, 'small.yaml': marked('old') });
    const result = await rewriteTree(tree, setters, { maxFileBytes: 1024 });
    expect(result.filesChanged).toEqual(['small.yaml']);
    expect(text('big.yaml')).toBe(big);
    expect(calls.written).toEqual(['small.yaml']);
    expect(result.warnings).toEqual([
      { file: 'big.yaml', line: 1, message: 'is 2 KiB; files over 1 KiB are left as is' },
    ]);
  });

  it('reads only the files a screening tree says may hold the marker', async () => {
    const { tree, calls } = memoryTree({
      'a.yaml': marked('old'),
      'b.yaml': 'plain: true\n',
      'c.yaml': marked('old'),
    });
    const asked: string[][] = [];
    const screening: FileTree = {
      ...tree,
      pathsContaining: async (paths, token) => {
        asked.push([...paths, token]);
        return new Set(['a.yaml']);
      },
    };
    const result = await rewriteTree(screening, setters);
    expect(asked).toEqual([['a.yaml', 'b.yaml', 'c.yaml', '"$imagepolicy"']]);
    expect(calls.read).toEqual(['a.yaml']);
    expect(result.filesChanged).toEqual(['a.yaml']);
  });
});

describe('rewriteTree with a hostile number of markers', () => {
  // Issue 10 item 8: `changes.push(...result.changes)` overflowed the stack at about 125,000 markers
  // in one file, so anyone who could commit under update.path crashed every run of the automation.
  it('rewrites 130,000 markers of one file without exceeding the call stack', async () => {
    const count = 130_000;
    const { tree } = memoryTree({
      'many.yaml': '- old # {"$imagepolicy": "apps:web:tag"}\n'.repeat(count),
    });

    const result = await rewriteTree(tree, setters);

    expect(result.changes).toHaveLength(count);
    expect(result.changes[count - 1]?.line).toBe(count);
    expect(result.filesChanged).toEqual(['many.yaml']);
  }, 15_000);
});
