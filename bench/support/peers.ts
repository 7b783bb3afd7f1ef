import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../infra/peers/free-port.ts';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import { distributionReceiver } from '../../test/helpers/distribution-event.ts';
import { type FleetPolicy, fleetManifests } from '../../test/helpers/fleet-config.ts';

/** The real peers every benchmark runs against, on 127.0.0.1, scratch on tmpfs. */

export const BENCH_NAMESPACE = 'bench';
export const RECEIVER_TOKEN = 'bench-receiver-token';

export interface BenchPeers {
  readonly git: GitServer;
  readonly registry: RegistryServer;
  /** The port `serve` must listen on (the registry notifies it). */
  readonly servePort: number;
  /** Scratch directory on tmpfs, removed by `stop()`. */
  readonly work: string;
  stop(): Promise<void>;
}

export const startBenchPeers = async (options: { notify: boolean }): Promise<BenchPeers> => {
  const work = await scratchDir('ia-bench-');
  const servePort = await freePort();
  const git = await startGitServer();
  const registry = await startRegistry(
    options.notify
      ? {
          notify: {
            url: `http://127.0.0.1:${servePort}${hookPath(RECEIVER_TOKEN, 'registry', BENCH_NAMESPACE)}`,
            headers: { Authorization: [`Bearer ${RECEIVER_TOKEN}`] },
          },
        }
      : {},
  ).catch(async (error: unknown) => {
    await git.stop();
    throw error;
  });
  return {
    git,
    registry,
    servePort,
    work: work.path,
    stop: async () => {
      await Promise.allSettled([git.stop(), registry.stop()]);
      await work.remove();
    },
  };
};

/** Flux manifests for one automation over `gitUrl` with `policies`, and a distribution Receiver. */
export const benchManifests = (gitUrl: string, policies: readonly FleetPolicy[]): string =>
  fleetManifests({
    namespace: BENCH_NAMESPACE,
    gitUrl,
    policies,
    extra: distributionReceiver(BENCH_NAMESPACE, RECEIVER_TOKEN),
  });

/**
 * The commit `branch` points at in a bare repository, read from the loose ref file (receive-pack
 * writes one): polling it costs a file read, not a git process, so it does not load the CPU the
 * measured service is using.
 */
export const readRef = async (bareDir: string, branch = 'main'): Promise<string> => {
  const loose = (await readFile(join(bareDir, 'refs', 'heads', branch), 'utf8').catch(() => '')).trim();
  if (loose !== '') return loose;
  // After `git gc` the ref lives in packed-refs until the next push writes it loose again.
  const packed = await readFile(join(bareDir, 'packed-refs'), 'utf8').catch(() => '');
  const line = packed.split('\n').find((l) => l.endsWith(` refs/heads/${branch}`));
  return line?.split(' ')[0] ?? '';
};

/** Polls until `branch` no longer points at `from`; resolves the new commit and when it was seen. */
export const waitForRefChange = async (
  bareDir: string,
  from: string,
  timeoutMs = 30_000,
  branch = 'main',
): Promise<{ commit: string; at: number }> => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const commit = await readRef(bareDir, branch);
    if (commit !== '' && commit !== from) return { commit, at: performance.now() };
    if (performance.now() > deadline)
      throw new Error(`no commit on ${bareDir} ${branch} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
};
