import { join, resolve } from 'node:path';
import { readManifestFiles } from '../adapters/config/read-manifest-files.ts';
import { createForgeClients } from '../adapters/forge/forge-clients.ts';
import { createGitHubAppTokenSource } from '../adapters/forge/github-app-tokens.ts';
import { createCodeCommitAuth } from '../adapters/git/codecommit-auth.ts';
import { createIsomorphicGitClient } from '../adapters/git/isomorphic-git-client.ts';
import { createJsonLogger, type LogLevel } from '../adapters/logging/json-logger.ts';
import { createSlackNotifier } from '../adapters/notify/slack.ts';
import { createWebhookNotifier } from '../adapters/notify/webhook.ts';
import { createLocalQueue, type LocalQueue, readDeadLetters } from '../adapters/queue/local-queue.ts';
import { createOciRegistryClient } from '../adapters/registry/oci-distribution-client.ts';
import { createConfigSecretSource } from '../adapters/secrets/config-secret-source.ts';
import { createOpenPgpSigning } from '../adapters/signing/openpgp-signing.ts';
import { createSshSigning } from '../adapters/signing/ssh-signing.ts';
import { createFileStateStore } from '../adapters/state/file-state-store.ts';
import { createOverlayStateStore } from '../adapters/state/overlay-state-store.ts';
import { type ConfiguredReceiver, configureReceivers } from '../adapters/webhooks/configured-receivers.ts';
import { constantTimeEqual } from '../adapters/webhooks/constant-time.ts';
import { type IngestInput, ingestHook } from '../app/ingest-hook.ts';
import { loadConfig } from '../app/load-config.ts';
import { withNotifications } from '../app/notify-outcome.ts';
import { type ReconcileDeps, reconcileAutomation } from '../app/reconcile-automation.ts';
import { buildStatusReport, type StatusReport, type StatusView } from '../app/status-report.ts';
import { sweep } from '../app/sweep.ts';
import { InvalidConfigError } from '../domain/errors.ts';
import type { FluxConfig } from '../domain/flux/types.ts';
import type { ReconcileRequest } from '../domain/work.ts';
import { systemClock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { StateStore } from '../ports/state-store.ts';

/**
 * The composition root of local mode: the same use cases as Lambda, with embedded defaults —
 * file state and an in-process durable queue under the state directory, the OCI registry client,
 * isomorphic-git in memory, Secrets from the configuration or the environment.
 */
export interface LocalRuntimeOptions {
  readonly configPath: string;
  readonly stateDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Where log lines go (stderr by default). */
  readonly writeLog?: (line: string) => void;
  /** Compute everything, write nothing (state reads go through, writes stay in memory). */
  readonly dryRun?: boolean;
}

export interface LocalRuntime {
  readonly config: FluxConfig;
  readonly logger: Logger;
  readonly state: StateStore;
  readonly deps: ReconcileDeps;
  readonly queue: LocalQueue;
  readonly receivers: ReadonlyMap<string, ConfiguredReceiver>;
  reconcile(request: ReconcileRequest): ReturnType<typeof reconcileAutomation>;
  ingest(input: IngestInput): ReturnType<typeof ingestHook>;
  sweep(): ReturnType<typeof sweep>;
  /** `status` / `GET /status`: the recorded state, with the configuration's objects that never ran. */
  statusReport(now?: Date, view?: StatusView): Promise<StatusReport>;
  /** Forgets delivery ids past the retention (the file state store's `prune`); the number removed. */
  pruneDeliveries(): Promise<number>;
  /**
   * What `Authorization: Bearer <token>` may see: everything with IMAGE_AUTOMATION_STATUS_TOKEN, the
   * namespace of the Receivers whose token it is, or nothing (`undefined`).
   */
  authorizeStatus(authorization: string | undefined): StatusView | undefined;
}

/** Reads the environment once (the composition root's job): log level and extra settings. */
const logLevelOf = (env: LocalRuntimeOptions['env']): LogLevel => {
  const level = env.IMAGE_AUTOMATION_LOG_LEVEL ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    throw new InvalidConfigError(
      `IMAGE_AUTOMATION_LOG_LEVEL must be debug, info, warn or error, not "${level}"`,
    );
  }
  return level as LogLevel;
};

/** IMAGE_AUTOMATION_QUEUE_LIMIT: messages the local queue holds before webhooks get 429 (disk and backlog bound). */
const queueLimitOf = (env: LocalRuntimeOptions['env']): number | undefined => {
  const value = env.IMAGE_AUTOMATION_QUEUE_LIMIT;
  if (value === undefined || value === '') return undefined;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1)
    throw new InvalidConfigError(`IMAGE_AUTOMATION_QUEUE_LIMIT must be a positive integer, not "${value}"`);
  return limit;
};

export const createLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  const logger = createJsonLogger({
    level: logLevelOf(options.env),
    ...(options.writeLog ? { write: options.writeLog } : {}),
  });
  const configPath = resolve(options.cwd, options.configPath);
  const load = await loadConfig(configPath, { readManifestFiles });
  for (const warning of load.warnings) logger.warn('configuration warning', { issue: warning.format() });
  if (load.errors.length > 0) {
    throw new InvalidConfigError(
      `the configuration at ${options.configPath} is invalid:\n${load.errors.map((e) => `  ${e.format()}`).join('\n')}`,
      { data: { errors: load.errors.length } },
    );
  }
  const { config } = load;
  const stateDir = resolve(options.cwd, options.stateDir);
  const fileState = createFileStateStore({ dir: join(stateDir, 'state'), readOnly: options.dryRun === true });
  const state = options.dryRun ? createOverlayStateStore(fileState) : fileState;
  const secrets = createConfigSecretSource({ secrets: config.secrets, env: options.env });
  const deps: ReconcileDeps = {
    config,
    registry: createOciRegistryClient(),
    git: createIsomorphicGitClient(),
    state,
    secrets,
    clock: systemClock,
    logger,
    signing: { ...createOpenPgpSigning(), ...createSshSigning() },
    githubApp: createGitHubAppTokenSource(),
    codeCommit: createCodeCommitAuth(),
    forge: createForgeClients(),
  };
  const run = (request: ReconcileRequest) => reconcileAutomation(deps, request, { dryRun: options.dryRun });
  // A dry run changes nothing, so there is nothing to tell anyone.
  const reconcile = options.dryRun
    ? run
    : withNotifications(
        {
          ...deps,
          notifiers: { json: createWebhookNotifier(), slack: createSlackNotifier() },
        },
        run,
      );
  const maxPending = queueLimitOf(options.env);
  const queue = createLocalQueue({
    dir: join(stateDir, 'queue'),
    logger,
    ...(maxPending !== undefined && { maxPending }),
    process: async (request) => {
      await reconcile(request);
    },
  });
  const receivers = await configureReceivers(config, secrets, logger);
  const ingestDeps = { config, state, queue, clock: systemClock, logger };
  const readToken = options.env.IMAGE_AUTOMATION_STATUS_TOKEN;
  const receiverTokens = () =>
    [...receivers.values()].flatMap((r) =>
      r.context.secret.token ? [{ token: r.context.secret.token, namespace: r.context.namespace }] : [],
    );
  return {
    config,
    logger,
    state,
    deps,
    queue,
    receivers,
    reconcile,
    ingest: (input) => ingestHook(ingestDeps, input),
    sweep: () => sweep(ingestDeps),
    pruneDeliveries: () => fileState.prune(),
    statusReport: async (now = systemClock.now(), view) =>
      buildStatusReport(state, {
        now,
        config,
        view,
        deadLetters: await readDeadLetters(join(stateDir, 'queue')),
      }),
    authorizeStatus: (authorization) => {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (!given) return undefined;
      // Every token is compared, so the time taken says nothing about which one matched.
      const all = readToken !== undefined && readToken !== '' && constantTimeEqual(given, readToken);
      const namespaces = new Set<string>();
      for (const { token, namespace } of receiverTokens())
        if (constantTimeEqual(given, token)) namespaces.add(namespace);
      // A Receiver's token sits in a header that a registry admin configures: its namespace only.
      if (all) return { scope: 'all' };
      return namespaces.size > 0 ? { scope: 'namespaces', namespaces } : undefined;
    },
  };
};
