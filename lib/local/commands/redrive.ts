import { join, resolve } from 'node:path';
import { redriveDeadLetters } from '../../adapters/queue/local-queue.ts';
import { type Command, EXIT, parseOptions } from '../command.ts';
import { lockStateDir } from '../state-dir-lock.ts';

const usage = `
Usage: image-automation redrive [--state DIR]

Moves every dead letter of the local queue (runs given up after the last attempt; \`status\` lists
them) back to the queue with fresh attempts, as "start DLQ redrive" does for the SQS dead-letter queue.
Fix the cause first. The next \`serve\` runs them. Refused while serve uses the state directory.

  --state DIR     state directory (default .image-automation)

Exit codes: 0 re-driven (or nothing to re-drive) · 2 invalid option, or serve is running
`;

export const redriveCommand: Command = {
  name: 'redrive',
  usage,
  async run(argv, io) {
    const options = parseOptions(argv, { state: { type: 'string' } }, 'redrive');
    const stateDir = resolve(io.cwd, options.state ?? '.image-automation');
    // One writer per queue directory: serve holds this lock while it runs.
    const lock = await lockStateDir(stateDir);
    try {
      const moved = await redriveDeadLetters(join(stateDir, 'queue'));
      io.stdout(
        moved === 0
          ? 'no dead letters\n'
          : `${moved} dead letter(s) re-queued; \`image-automation serve\` runs them\n`,
      );
      return EXIT.ok;
    } finally {
      await lock.release();
    }
  },
};
