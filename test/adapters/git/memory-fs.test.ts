import { add, commit, init, log, readBlob, resolveRef, writeBlob } from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { createMemoryFs, type MemoryFs } from '../../../lib/adapters/git/memory-fs.ts';

const codeOf = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: NodeJS.ErrnoException) => error.code,
  );

describe('createMemoryFs', () => {
  it('writes, reads and lists files, creating nothing implicitly', async () => {
    const fs = createMemoryFs();
    await fs.mkdir('/a');
    await fs.writeFile('/a/b.txt', 'hello');
    await fs.writeFile('/a/c.bin', new Uint8Array([1, 2, 3]));

    expect(await fs.readFile('/a/b.txt', 'utf8')).toBe('hello');
    expect(await fs.readFile('/a/b.txt', { encoding: 'utf8' })).toBe('hello');
    expect([...((await fs.readFile('/a/c.bin')) as Buffer)]).toEqual([1, 2, 3]);
    expect(await fs.readdir('/a')).toEqual(['b.txt', 'c.bin']);
    expect(await fs.readdir('/')).toEqual(['a']);
    expect(fs.usage()).toEqual({ files: 2, directories: 2, bytes: 8 });
  });

  it('normalises paths like a POSIX filesystem', async () => {
    const fs = createMemoryFs();
    await fs.mkdir('/x', { recursive: true });
    await fs.writeFile('/x//./y.txt', 'y');
    expect(await fs.readFile('/x/../x/y.txt', 'utf8')).toBe('y');
    expect(await fs.readdir('/x/')).toEqual(['y.txt']);
  });

  it('copies data in and out, like a disk', async () => {
    const fs = createMemoryFs();
    const data = new Uint8Array([1, 2]);
    await fs.writeFile('/f', data);
    data[0] = 9;
    const read = (await fs.readFile('/f')) as Buffer;
    read[1] = 9;
    expect([...((await fs.readFile('/f')) as Buffer)]).toEqual([1, 2]);
  });

  it.each<[string, (fs: MemoryFs) => Promise<unknown>, string]>([
    ['readFile of a missing file', (fs) => fs.readFile('/nope'), 'ENOENT'],
    ['writeFile into a missing directory', (fs) => fs.writeFile('/no/dir/f', 'x'), 'ENOENT'],
    ['writeFile below a file', (fs) => fs.writeFile('/file/x', 'x'), 'ENOTDIR'],
    ['readFile below a file', (fs) => fs.readFile('/file/x/y'), 'ENOTDIR'],
    ['readFile of a directory', (fs) => fs.readFile('/dir'), 'EISDIR'],
    ['mkdir of an existing path', (fs) => fs.mkdir('/dir'), 'EEXIST'],
    ['mkdir with a missing parent', (fs) => fs.mkdir('/a/b'), 'ENOENT'],
    ['rmdir of a non-empty directory', (fs) => fs.rmdir('/dir'), 'ENOTEMPTY'],
    ['rmdir of a file', (fs) => fs.rmdir('/file'), 'ENOTDIR'],
    ['unlink of a directory', (fs) => fs.unlink('/dir'), 'EISDIR'],
    ['readdir of a file', (fs) => fs.readdir('/file'), 'ENOTDIR'],
    ['readlink of a file', (fs) => fs.readlink('/file'), 'EINVAL'],
    ['symlink over an existing path', (fs) => fs.symlink('/file', '/dir'), 'EEXIST'],
    ['a call without a path (isomorphic-git probes this)', (fs) => fs.readFile(undefined as never), 'EINVAL'],
  ])('%s fails with %s', async (_name, act, code) => {
    const fs = createMemoryFs();
    await fs.writeFile('/file', 'x');
    await fs.mkdir('/dir');
    await fs.writeFile('/dir/inner', 'x');
    expect(await codeOf(act(fs))).toBe(code);
  });

  it('removes files and directories', async () => {
    const fs = createMemoryFs();
    await fs.mkdir('/d/e', { recursive: true });
    await fs.writeFile('/d/e/f', 'x');
    await fs.unlink('/d/e/f');
    await fs.rmdir('/d/e');
    expect(await fs.readdir('/d')).toEqual([]);
    await fs.writeFile('/d/g', 'x');
    await fs.rm('/d', { recursive: true });
    expect(await codeOf(fs.stat('/d'))).toBe('ENOENT');
    expect(await codeOf(fs.rm('/d', { force: true }))).toBe('resolved');
  });

  it('reports stats, modes and symlinks', async () => {
    const fs = createMemoryFs();
    await fs.writeFile('/run.sh', '#!/bin/sh\n', { mode: 0o755 });
    await fs.symlink('run.sh', '/link');
    await fs.chmod('/run.sh', 0o700);

    const file = await fs.stat('/run.sh');
    expect(file.isFile()).toBe(true);
    expect(file.mode).toBe(0o100700);
    expect(file.size).toBe(10);
    expect((await fs.stat('/link')).isFile()).toBe(true);
    expect((await fs.lstat('/link')).isSymbolicLink()).toBe(true);
    expect(await fs.readlink('/link')).toBe('run.sh');
    expect(await fs.readFile('/link', 'utf8')).toBe('#!/bin/sh\n');
    expect((await fs.stat('/')).isDirectory()).toBe(true);
  });

  it('hosts an isomorphic-git repository', async () => {
    const fs = createMemoryFs();
    const dir = '/repo';
    await init({ fs, dir, defaultBranch: 'main' });
    const blob = await writeBlob({ fs, dir, blob: new TextEncoder().encode('content') });
    await fs.writeFile('/repo/a.txt', 'content');
    await add({ fs, dir, filepath: 'a.txt' });
    const sha = await commit({
      fs,
      dir,
      message: 'first',
      author: { name: 'T', email: 't@example.com', timestamp: 1_700_000_000, timezoneOffset: 0 },
    });

    expect(await resolveRef({ fs, dir, ref: 'main' })).toBe(sha);
    expect((await log({ fs, dir })).map((entry) => entry.commit.message)).toEqual(['first\n']);
    expect(new TextDecoder().decode((await readBlob({ fs, dir, oid: blob })).blob)).toBe('content');
  });
});
