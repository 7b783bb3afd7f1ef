import { type ChildProcess, spawn } from 'node:child_process';

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr), for assertions and failure messages. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Resolves when the service is ready; polled until `timeoutMs`. */
  readonly ready: () => Promise<boolean>;
  readonly timeoutMs?: number;
}

/** Starts a long-running peer (registry, git server, our own `serve`) and waits until it answers. */
export const startService = async (
  command: string,
  args: string[],
  options: StartOptions,
): Promise<ServiceProcess> => {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const service: ServiceProcess = {
    child,
    output: () => log,
    stop: async (signal = 'SIGTERM') => {
      if (!exited) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(timer);
      }
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    if (exited) throw new Error(`${command} exited before it was ready:\n${log}`);
    if (await options.ready().catch(() => false)) return service;
    if (Date.now() > deadline) {
      await service.stop('SIGKILL');
      throw new Error(`${command} was not ready within ${options.timeoutMs ?? 15_000} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** True once `url` answers at all (any status). */
export const answers = async (url: string): Promise<boolean> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await response.arrayBuffer();
  return true;
};
