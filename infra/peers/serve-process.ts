import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../lib/local/bin.js', import.meta.url));

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Log lines so far, parsed. */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the first log line matching, polling up to `timeoutMs`. */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Resolves once serve reports an empty queue and no run in flight (GET /healthz). */
  waitIdle(timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `image-automation serve` as a child process (the real binary, Node 22), on a fixed port. */
export const startServe = async (options: {
  config: string;
  state: string;
  port: number;
  env?: Record<string, string>;
  sweepSeconds?: number;
}): Promise<ServeProcess> => {
  const child = spawn(
    process.execPath,
    [
      bin,
      'serve',
      '--config',
      options.config,
      '--state',
      options.state,
      '--port',
      String(options.port),
      '--sweep-seconds',
      String(options.sweepSeconds ?? 0),
    ],
    {
      env: { ...process.env, IMAGE_AUTOMATION_LOG_LEVEL: 'debug', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  child.stderr?.on('data', (d: Buffer) => {
    text += d.toString();
  });
  child.stdout?.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const logs = () =>
    text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const waitForLog = async (match: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logs().find(match);
      if (found) return found;
      if (done) throw new Error(`serve exited while waiting:\n${text}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for a log line:\n${text}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  let url: string;
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match?.[1]) {
        url = match[1];
        break;
      }
      if (done) throw new Error(`serve exited before listening:\n${text}`);
      if (Date.now() > deadline) throw new Error(`serve did not listen within 20 s:\n${text}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const waitIdle = async (timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const health = (await (await fetch(`${url}/healthz`)).json()) as { idle: boolean };
      if (health.idle) return;
      if (Date.now() > deadline) throw new Error(`serve did not become idle:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    url,
    waitIdle,
    child,
    logs,
    waitForLog,
    stop: async (signal = 'SIGTERM') => {
      if (!done) child.kill(signal);
      return exited;
    },
  };
};
