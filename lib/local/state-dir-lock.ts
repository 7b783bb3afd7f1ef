import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '../domain/errors.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One `serve` per state directory: the file state store and the local queue assume a single
 * writer. A lock left by a process that died (SIGKILL, crash) is taken over.
 */
export const lockStateDir = async (dir: string): Promise<{ release: () => Promise<void> }> => {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'serve.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => unlink(path).catch(() => {}) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (owner && owner !== process.pid && alive(owner)) {
        throw new InvalidInputError(
          `state directory ${dir} is in use by process ${owner}; stop it or use another --state`,
        );
      }
      await unlink(path).catch(() => {});
    }
  }
  throw new InvalidInputError(`could not lock state directory ${dir}`);
};
