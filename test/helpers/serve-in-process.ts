import { main } from '../../lib/local/cli.ts';
import { recordingIo } from './cli-io.ts';

/** `image-automation serve` run in this process on a free port, stopped like SIGINT would. */
export const serveInProcess = async (config: string, state: string, env: Record<string, string> = {}) => {
  const output = recordingIo({ env });
  let interrupt = () => {};
  const interrupted = new Promise<void>((resolve) => {
    interrupt = resolve;
  });
  const io = { ...output.io, waitForInterrupt: () => interrupted };
  const exited = main(
    ['serve', '--config', config, '--state', state, '--port', '0', '--sweep-seconds', '0'],
    io,
  );
  for (let i = 0; i < 400 && !/listening on/.test(output.stdout()); i++)
    await new Promise((r) => setTimeout(r, 25));
  const url = /listening on (\S+)/.exec(output.stdout())?.[1];
  if (!url) throw new Error(`serve did not start:\n${output.stderr()}`);
  return {
    url,
    logs: () => output.stderr(),
    /** Interrupts serve and resolves with its exit code. */
    stop: () => {
      interrupt();
      return exited;
    },
  };
};
