import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type AppErrorCode, InvalidInputError, isAppError } from '../domain/errors.ts';

/** Where a command reads and writes; tests pass buffers, the binary passes the process streams. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the user asks the process to stop (SIGINT/SIGTERM); only long-running commands call it. */
  readonly waitForInterrupt: () => Promise<void>;
  /** The wall clock, for ages in `status`; tests pass a fixed one. Default: the system clock. */
  readonly now?: () => Date;
}

export interface Command {
  readonly name: string;
  readonly usage: string;
  run(argv: string[], io: CommandIo): Promise<number>;
}

/**
 * Exit codes, a stable contract for scripts (documented in the README):
 * 0 done · 1 nothing selected (eval) or the operation failed and may succeed on retry ·
 * 2 invalid input or configuration · 3 refused by a registry or Git host (auth) or something does not exist.
 */
export const EXIT = Object.freeze({ ok: 0, none: 1, failed: 1, invalid: 2, unavailable: 3 });

/** The exit code for an error of this code (the taxonomy's mapping, shared by every command). */
export const exitCodeForCode = (code: AppErrorCode): number => {
  switch (code) {
    case 'InvalidInput':
    case 'InvalidConfig':
      return EXIT.invalid;
    case 'Auth':
    case 'NotFound':
      return EXIT.unavailable;
    default:
      return EXIT.failed;
  }
};

export const exitCodeFor = (error: unknown): number =>
  isAppError(error) ? exitCodeForCode(error.code) : EXIT.failed;

/** node:util parseArgs, with usage errors turned into InvalidInputError (exit 2). */
export const parseOptions = <T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  command: string,
) => {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values as ReturnType<typeof parseArgs<{ options: T & { help: { type: 'boolean' } } }>>['values'];
  } catch (error) {
    throw new InvalidInputError(`${command}: ${(error as Error).message}`, { cause: error });
  }
};

export const requireOption = (value: string | undefined, flag: string, command: string): string => {
  if (value === undefined || value === '')
    throw new InvalidInputError(`${command}: ${flag} is required (see --help)`);
  return value;
};
