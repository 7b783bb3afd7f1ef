import { chmod, lstat, mkdir, readdir, readFile, realpath, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scratchDir } from '../../../infra/peers/scratch-dir.ts';
import { createDirectoryTree } from '../../../lib/adapters/fs/directory-tree.ts';
import { InvalidConfigError, InvalidInputError, NotFoundError } from '../../../lib/domain/errors.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);

describe('createDirectoryTree', () => {
  let base: string;
  let root: string;
  let outside: string;
  let remove: () => Promise<void>;

  const put = async (path: string, content = path) => {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, content);
  };

  beforeEach(async () => {
    ({ path: base, remove } = await scratchDir());
    root = join(base, 'root');
    outside = join(base, 'outside');
    await put(join(outside, 'secret.yaml'), 'secret: do-not-read\n');
    await mkdir(join(outside, 'dir'), { recursive: true });
    await put(join(outside, 'dir', 'x.yaml'), 'outside dir\n');
    await put(join(root, 'b.yaml'));
    await put(join(root, 'a', 'z.yml'));
    await put(join(root, 'a', 'c', 'deep.yaml'));
    await put(join(root, '.hidden', 'h.yaml'));
    await put(join(root, '.git', 'config'));
    await put(join(root, '.git', 'x.yaml'));
    await put(join(root, 'sub', '.git', 'HEAD'));
    await put(join(root, 'Kustomization'));
  });
  afterEach(() => remove());

  describe('pathsContaining', () => {
    it('finds the token in plain files, in symlinks inside the root, and past the read buffer; never outside', async () => {
      await put(join(root, 'marked.yaml'), 'image: a:1 # {"$imagepolicy": "apps:a"}\n');
      await put(
        join(root, 'big.yaml'),
        `${'x: y\n'.repeat(200_000)}image: b:1 # {"$imagepolicy": "apps:b"}\n`,
      );
      await put(join(outside, 'marked-outside.yaml'), 'image: c:1 # {"$imagepolicy": "apps:c"}\n');
      await symlink(join(root, 'marked.yaml'), join(root, 'link-in.yaml'));
      await symlink(join(outside, 'marked-outside.yaml'), join(root, 'link-out.yaml'));
      const tree = createDirectoryTree(root);
      const paths = (await tree.listFiles('')).map((f) => f.path);
      expect(paths).not.toContain('link-out.yaml');
      const found = await tree.pathsContaining?.([...paths, 'link-out.yaml'], '"$imagepolicy"');
      expect([...(found ?? [])].sort()).toEqual(['big.yaml', 'link-in.yaml', 'marked.yaml']);
    });
  });

  describe('listFiles', () => {
    it('walks every directory but .git, hidden ones included, sorted by path', async () => {
      const files = await createDirectoryTree(root).listFiles('');

      expect(files.map((f) => f.path)).toEqual([
        '.hidden/h.yaml',
        'Kustomization',
        'a/c/deep.yaml',
        'a/z.yml',
        'b.yaml',
      ]);
    });

    it('lists a sub-directory with paths from the root, whatever the spelling', async () => {
      const tree = createDirectoryTree(root);

      for (const dir of ['a', './a/', 'a/c/..', 'a//']) {
        expect((await tree.listFiles(dir)).map((f) => f.path)).toEqual(['a/c/deep.yaml', 'a/z.yml']);
      }
    });

    it('accepts a single file as the scan root', async () => {
      expect(await createDirectoryTree(root).listFiles('./a/z.yml')).toEqual([{ path: 'a/z.yml' }]);
    });

    it('reports a missing root as not found', async () => {
      await expect(createDirectoryTree(join(base, 'nope')).listFiles('')).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('refuses paths that escape and reports missing ones', async () => {
      const tree = createDirectoryTree(root);

      await expect(tree.listFiles('../outside')).rejects.toBeInstanceOf(InvalidConfigError);
      await expect(tree.listFiles('/etc')).rejects.toBeInstanceOf(InvalidConfigError);
      await expect(tree.listFiles('missing')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('does not follow directory symlinks, inside or outside the root', async () => {
      await symlink(join(root, 'a'), join(root, 'link-to-a'));
      await symlink(join(outside, 'dir'), join(root, 'link-outside'));

      const files = await createDirectoryTree(root).listFiles('');

      expect(files.map((f) => f.path)).not.toContain('link-to-a/z.yml');
      expect(files.map((f) => f.path).filter((p) => p.startsWith('link'))).toEqual([]);
    });

    it('follows a file symlink only when it ends inside the root', async () => {
      await symlink(join(root, 'b.yaml'), join(root, 'inside-link.yaml'));
      await symlink('../b.yaml', join(root, 'a', 'relative-link.yaml'));
      await symlink(join(outside, 'secret.yaml'), join(root, 'outside-link.yaml'));
      await symlink('../outside/secret.yaml', join(root, 'relative-outside.yaml'));
      await symlink(join(root, 'outside-link.yaml'), join(root, 'chain-outside.yaml'));
      await symlink(join(root, 'missing.yaml'), join(root, 'dangling.yaml'));
      await symlink(join(root, 'loop-b.yaml'), join(root, 'loop-a.yaml'));
      await symlink(join(root, 'loop-a.yaml'), join(root, 'loop-b.yaml'));

      const paths = (await createDirectoryTree(root).listFiles('')).map((f) => f.path);

      expect(paths).toContain('inside-link.yaml');
      expect(paths).toContain('a/relative-link.yaml');
      for (const path of [
        'outside-link.yaml',
        'relative-outside.yaml',
        'chain-outside.yaml',
        'dangling.yaml',
        'loop-a.yaml',
      ]) {
        expect(paths).not.toContain(path);
      }
    });

    it('refuses to start from a symlinked directory that leaves the root', async () => {
      await symlink(join(outside, 'dir'), join(root, 'escape'));

      await expect(createDirectoryTree(root).listFiles('escape')).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('works when the root itself is reached through a symlink', async () => {
      await symlink(root, join(base, 'root-link'));

      const files = await createDirectoryTree(join(base, 'root-link')).listFiles('a');

      expect(files.map((f) => f.path)).toEqual(['a/c/deep.yaml', 'a/z.yml']);
    });
  });

  describe('readFile', () => {
    it('reads a file and a symlink that stays inside', async () => {
      await symlink('b.yaml', join(root, 'link.yaml'));
      const tree = createDirectoryTree(root);

      expect(text(await tree.readFile('a/z.yml'))).toBe(join(root, 'a', 'z.yml'));
      expect(text(await tree.readFile('./link.yaml'))).toBe(join(root, 'b.yaml'));
    });

    it('never reads through a symlink to outside the root', async () => {
      await symlink(join(outside, 'secret.yaml'), join(root, 'outside-link.yaml'));
      await symlink(join(outside, 'dir'), join(root, 'dir-link'));
      const tree = createDirectoryTree(root);

      await expect(tree.readFile('outside-link.yaml')).rejects.toBeInstanceOf(InvalidInputError);
      await expect(tree.readFile('dir-link/x.yaml')).rejects.toBeInstanceOf(InvalidInputError);
      await expect(tree.readFile('../outside/secret.yaml')).rejects.toBeInstanceOf(InvalidConfigError);
      await expect(tree.readFile('missing.yaml')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('writeFile', () => {
    it('replaces the content atomically, keeping the mode and leaving no temporary file', async () => {
      const file = join(root, 'a', 'z.yml');
      await chmod(file, 0o640);
      const before = await stat(file);

      await createDirectoryTree(root).writeFile('a/z.yml', bytes('new content\n'));

      const after = await stat(file);
      expect(await readFile(file, 'utf8')).toBe('new content\n');
      expect(after.mode & 0o7777).toBe(0o640);
      expect(after.ino).not.toBe(before.ino);
      expect((await readdir(join(root, 'a'))).sort()).toEqual(['c', 'z.yml']);
    });

    it('keeps an executable mode too', async () => {
      const file = join(root, 'b.yaml');
      await chmod(file, 0o755);

      await createDirectoryTree(root).writeFile('b.yaml', bytes('x'));

      expect((await stat(file)).mode & 0o7777).toBe(0o755);
    });

    it('writes through a symlink that stays inside: the target changes, the link stays a link', async () => {
      await symlink('a/z.yml', join(root, 'link.yml'));

      await createDirectoryTree(root).writeFile('link.yml', bytes('via link\n'));

      expect(await readFile(join(root, 'a', 'z.yml'), 'utf8')).toBe('via link\n');
      expect((await lstat(join(root, 'link.yml'))).isSymbolicLink()).toBe(true);
    });

    it('never writes through a symlink to outside the root', async () => {
      await symlink(join(outside, 'secret.yaml'), join(root, 'outside-link.yaml'));
      await symlink(join(outside, 'dir'), join(root, 'dir-link'));
      const tree = createDirectoryTree(root);

      await expect(tree.writeFile('outside-link.yaml', bytes('pwned'))).rejects.toBeInstanceOf(
        InvalidInputError,
      );
      await expect(tree.writeFile('dir-link/x.yaml', bytes('pwned'))).rejects.toBeInstanceOf(
        InvalidInputError,
      );
      await expect(tree.writeFile('dir-link/new.yaml', bytes('pwned'))).rejects.toBeInstanceOf(
        InvalidInputError,
      );
      await expect(tree.writeFile('../outside/secret.yaml', bytes('pwned'))).rejects.toBeInstanceOf(
        InvalidConfigError,
      );

      expect(await readFile(join(outside, 'secret.yaml'), 'utf8')).toBe('secret: do-not-read\n');
      expect(await readFile(join(outside, 'dir', 'x.yaml'), 'utf8')).toBe('outside dir\n');
      expect((await readdir(join(outside, 'dir'))).sort()).toEqual(['x.yaml']);
      expect((await lstat(join(root, 'outside-link.yaml'))).isSymbolicLink()).toBe(true);
    });

    it('refuses to replace a dangling symlink with a regular file', async () => {
      await symlink(join(outside, 'gone.yaml'), join(root, 'dangling.yaml'));

      await expect(createDirectoryTree(root).writeFile('dangling.yaml', bytes('x'))).rejects.toBeInstanceOf(
        InvalidInputError,
      );
      expect((await lstat(join(root, 'dangling.yaml'))).isSymbolicLink()).toBe(true);
      await expect(stat(join(outside, 'gone.yaml'))).rejects.toThrow();
    });

    it('creates a new file in an existing directory inside the root', async () => {
      await createDirectoryTree(root).writeFile('a/c/new.yaml', bytes('fresh\n'));

      expect(await readFile(join(root, 'a', 'c', 'new.yaml'), 'utf8')).toBe('fresh\n');
      expect(await realpath(join(root, 'a', 'c', 'new.yaml'))).toBe(
        join(await realpath(root), 'a', 'c', 'new.yaml'),
      );
    });

    it('refuses the root and directories as targets', async () => {
      const tree = createDirectoryTree(root);

      await expect(tree.writeFile('', bytes('x'))).rejects.toBeInstanceOf(InvalidInputError);
      await expect(tree.writeFile('a', bytes('x'))).rejects.toBeInstanceOf(InvalidInputError);
    });
  });
});
