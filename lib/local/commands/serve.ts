import { resolve } from 'node:path';
import { InvalidInputError } from '../../domain/errors.ts';
import { type Command, parseOptions, requireOption } from '../command.ts';
import { startHttpServer } from '../http-server.ts';
import { createLocalRuntime } from '../local-runtime.ts';
import { lockStateDir } from '../state-dir-lock.ts';

const usage = `
Usage: image-automation serve --config PATH [--state DIR] [--host 127.0.0.1] [--port 8080] [--sweep-seconds 30]

Runs the service as one process: Flux-compatible webhook receivers at POST /hook/<digest> (the digest is
hex sha256 of token + Receiver name + namespace, as Flux computes it), GET /healthz, GET /status (the
\`status\` report as JSON, with Authorization: Bearer IMAGE_AUTOMATION_STATUS_TOKEN for all of it, or a
Receiver's token for that Receiver's namespace),
notifications configured on each ImageUpdateAutomation (see the README), a durable queue and
the state under --state (delivery ids older than 7 days are forgotten at start and hourly), and a sweep that re-checks every ImageRepository and automation on its interval.
A webhook is answered 202 once its work is queued on disk; work queued before a crash runs after a restart.
SIGINT/SIGTERM stop accepting requests and finish the work in flight.

  --config PATH        Flux manifests (file or directory)
  --state DIR          state directory (default .image-automation)
  --host HOST          address to listen on (default 127.0.0.1)
  --port PORT          port (default 8080; 0 picks a free one)
  --sweep-seconds N    how often to look for due work (default 30; 0 disables)
`;

/** Delivery ids past the state store's retention are forgotten at start and then every hour. */
export const serveDefaults = Object.freeze({ pruneIntervalMs: 3600_000 });

const integer = (value: string | undefined, fallback: number, flag: string) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidInputError(`serve: ${flag} must be a non-negative integer`);
  return n;
};

export const serveCommand: Command = {
  name: 'serve',
  usage,
  async run(argv, io) {
    const options = parseOptions(
      argv,
      {
        config: { type: 'string' },
        state: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'sweep-seconds': { type: 'string' },
      },
      'serve',
    );
    const stateDir = resolve(io.cwd, options.state ?? '.image-automation');
    const lock = await lockStateDir(stateDir);
    try {
      const runtime = await createLocalRuntime({
        configPath: requireOption(options.config, '--config', 'serve'),
        stateDir,
        env: io.env,
        cwd: io.cwd,
        writeLog: (line) => io.stderr(line),
      });
      const { logger, queue } = runtime;
      const recovered = await queue.start();
      if (recovered > 0) logger.info('resuming queued work', { messages: recovered });
      const server = await startHttpServer({
        host: options.host ?? '127.0.0.1',
        port: integer(options.port, 8080, '--port'),
        logger,
        webhook: { receivers: () => runtime.receivers, ingest: runtime.ingest, logger },
        health: () => ({ queued: queue.size(), idle: queue.idle(), receivers: runtime.receivers.size }),
        status: {
          authorize: runtime.authorizeStatus,
          report: (view) => runtime.statusReport(io.now?.(), view),
        },
      });
      io.stdout(`image-automation serve: listening on ${server.url}\n`);
      logger.info('listening', {
        url: server.url,
        receivers: [...runtime.receivers.values()].map((r) => `${r.context.namespace}/${r.context.name}`),
      });
      const prune = () =>
        runtime
          .pruneDeliveries()
          .then((removed) => {
            if (removed > 0) logger.info('expired delivery ids forgotten', { removed });
          })
          .catch((error: unknown) => logger.error('pruning delivery ids failed', { error: String(error) }));
      void prune();
      const pruneTimer = setInterval(prune, serveDefaults.pruneIntervalMs);
      pruneTimer.unref();
      const sweepMs = integer(options['sweep-seconds'], 30, '--sweep-seconds') * 1000;
      const runSweep = () =>
        runtime.sweep().catch((error: unknown) => logger.error('sweep failed', { error: String(error) }));
      let sweepTimer: NodeJS.Timeout | undefined;
      if (sweepMs > 0) {
        void runSweep();
        sweepTimer = setInterval(runSweep, sweepMs);
      }
      await io.waitForInterrupt();
      logger.info('shutting down');
      if (sweepTimer) clearInterval(sweepTimer);
      clearInterval(pruneTimer);
      await server.close();
      await queue.stop();
      logger.info('stopped');
      return 0;
    } finally {
      await lock.release();
    }
  },
};
