import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';

/**
 * Invokes a bundled handler (the JavaScript from a deployment zip) in a fresh Node 22 process, as a
 * Lambda cold start would: the environment is read at first use, the module loaded with require().
 * The result comes back through a file; stdout holds the Powertools lines (logs and EMF metrics).
 */
export interface BundledInvocation<R> {
  readonly result: R;
  /** stdout, one JSON document per line. */
  readonly lines: Record<string, unknown>[];
  readonly stderr: string;
}

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./invoke-bundled-handler-child.ts', import.meta.url));

export const invokeBundledHandler = async <R>(
  handlerPath: string,
  event: unknown,
  env: Readonly<Record<string, string>>,
): Promise<BundledInvocation<R>> => {
  const scratch = await scratchDir('ia-invoke-');
  try {
    const eventFile = join(scratch.path, 'event.json');
    const resultFile = join(scratch.path, 'result.json');
    await writeFile(eventFile, JSON.stringify(event));
    const { stdout, stderr } = await run(process.execPath, [CHILD, handlerPath, eventFile, resultFile], {
      // Only what a Lambda environment would hold, plus PATH: nothing leaks in from the test process.
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`bundled handler ${handlerPath} crashed:\n${error.stdout}\n${error.stderr}`, {
        cause: error,
      });
    });
    const outcome = JSON.parse(await readFile(resultFile, 'utf8')) as { result?: R; error?: string };
    if (outcome.error !== undefined) throw new Error(`bundled handler failed: ${outcome.error}\n${stdout}`);
    const lines = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { result: outcome.result as R, lines, stderr };
  } finally {
    await scratch.remove();
  }
};
