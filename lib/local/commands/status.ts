import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readDeadLetters } from '../../adapters/queue/local-queue.ts';
import { createFileStateStore } from '../../adapters/state/file-state-store.ts';
import { buildStatusReport } from '../../app/status-report.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { type Command, EXIT, parseOptions } from '../command.ts';
import { createLocalRuntime } from '../local-runtime.ts';
import { renderStatus } from '../render/render-status.ts';

const usage = `
Usage: image-automation status [--state DIR] [--json] [--config PATH]

What the service last did, from the state directory only (no registry, no Git): per automation the
last run, last push commit, branch and time, and the last error with its age; per policy the latest
and previous ref; per repository the last scan. Sorted by name. Then the dead letters, if any: runs
given up after the last attempt (automation, attempts, last error); \`redrive\` re-queues them.
Reads while serve runs; writes nothing.

  --state DIR     state directory (default .image-automation)
  --json          the report as JSON (the same document as serve's GET /status)
  --config PATH   also list the configuration's objects that never ran

Exit codes: 0 shown · 2 invalid option or configuration · 3 no state directory (and no --config)
`;

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

export const statusCommand: Command = {
  name: 'status',
  usage,
  async run(argv, io) {
    const options = parseOptions(
      argv,
      { state: { type: 'string' }, json: { type: 'boolean' }, config: { type: 'string' } },
      'status',
    );
    const stateDir = resolve(io.cwd, options.state ?? '.image-automation');
    const now = io.now?.() ?? new Date();
    const recorded = (await exists(join(stateDir, 'state'))) || (await exists(join(stateDir, 'queue')));
    if (!recorded && options.config === undefined) {
      throw new NotFoundError(
        `status: no state at ${stateDir} (run reconcile or serve first, pass --state, or --config to list what never ran)`,
      );
    }
    const report = options.config
      ? await (
          await createLocalRuntime({
            configPath: options.config,
            stateDir,
            // The report is the output: progress lines stay off stderr unless a log level is asked for.
            env: { IMAGE_AUTOMATION_LOG_LEVEL: 'warn', ...io.env },
            cwd: io.cwd,
            // Read-only state: status never creates or changes anything under --state.
            dryRun: true,
            writeLog: (line) => io.stderr(line),
          })
        ).statusReport(now)
      : await buildStatusReport(createFileStateStore({ dir: join(stateDir, 'state'), readOnly: true }), {
          now,
          deadLetters: await readDeadLetters(join(stateDir, 'queue')),
        });
    io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
    return EXIT.ok;
  },
};
