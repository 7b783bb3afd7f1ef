import { escapeControlKeepingLines } from '../domain/terminal-text.ts';
import { type CommandIo, EXIT, exitCodeFor } from './command.ts';
import { type CommandEntry, commands } from './commands/index.ts';

const overview = (list: readonly CommandEntry[]) =>
  [
    'image-automation — registry push → policy → digest-pinned Git commit, with your Flux manifests.',
    '',
    'Usage: image-automation <command> [options]   (image-automation <command> --help for details)',
    '',
    'Commands:',
    ...list.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'Exit codes: 0 done · 1 nothing selected / failed, may succeed on retry · 2 invalid input or configuration ·',
    '            3 refused by a registry or Git host, or not found',
    '',
  ].join('\n');

/** The CLI entry: returns the exit code instead of exiting, so tests can drive it in-process. */
export const main = async (argv: string[], io: CommandIo = processIo()): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(overview(commands));
    return name === undefined ? EXIT.invalid : EXIT.ok;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`image-automation: unknown command "${name}"\n\n${overview(commands)}`);
    return EXIT.invalid;
  }
  try {
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${command.usage.trim()}\n`);
      return EXIT.ok;
    }
    return await command.run(rest, io);
  } catch (error) {
    // Messages quote registry answers and repository files: never raw control characters.
    io.stderr(`${escapeControlKeepingLines(error instanceof Error ? error.message : String(error))}\n`);
    return exitCodeFor(error);
  }
};

const processIo = (): CommandIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  cwd: process.cwd(),
  env: process.env,
  // Installed on demand: short commands keep Node's default Ctrl-C behaviour.
  waitForInterrupt: () =>
    new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
});
