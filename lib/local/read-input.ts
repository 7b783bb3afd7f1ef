import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidInputError } from '../domain/errors.ts';
import type { CommandIo } from './command.ts';

/** Reads a command's input file (`-` = stdin); a missing or unreadable file is the caller's mistake (exit 2). */
export const readInput = async (io: CommandIo, path: string, what: string): Promise<string> => {
  if (path === '-') return io.readStdin();
  try {
    return await readFile(resolve(io.cwd, path), 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new InvalidInputError(`${what} ${path}: ${reason}`, { cause: error });
  }
};
