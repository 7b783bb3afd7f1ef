import type { CommandIo } from '../../lib/local/command.ts';

/** A CommandIo that records output, for driving the CLI in-process. */
export const recordingIo = (options: { cwd?: string; stdin?: string; env?: Record<string, string> } = {}) => {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => options.stdin ?? '',
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    waitForInterrupt: () => new Promise(() => {}),
  };
  return { io, stdout: () => stdout, stderr: () => stderr };
};
