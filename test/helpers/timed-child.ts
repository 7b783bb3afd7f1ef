import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU time (Debian package `time`, installed by infra/bootstrap.sh): peak RSS of a child process. */
export const GNU_TIME = '/usr/bin/time';

export interface TimedRun {
  /** Wall time measured around the child, in ms. */
  readonly wallMs: number;
  /** Peak resident set size in KiB as GNU time reports it (`%M`): the largest single process. */
  readonly maxRssKb: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command args…` under `/usr/bin/time -f '%e %M'` and fails when it exits non-zero. For a
 * shell script `%M` is the largest process it waited for (for the git CLI floor: the biggest git).
 */
export const runTimed = async (
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<TimedRun> => {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: run bash infra/bootstrap.sh`);
  const dir = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ia-time-'));
  const report = join(dir, 'time');
  try {
    const started = performance.now();
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn(GNU_TIME, ['-o', report, '-f', '%e %M', command, ...args], {
        env: options.env ?? process.env,
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
    });
    const wallMs = performance.now() - started;
    if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr}\n${stdout}`);
    const fields = (await readFile(report, 'utf8')).trim().split('\n').pop()?.split(' ') ?? [];
    return { wallMs, maxRssKb: Number(fields[1]), stdout, stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
