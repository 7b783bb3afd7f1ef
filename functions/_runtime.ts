import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { createPowertoolsPortLogger } from '../lib/adapters/logging/powertools-logger.ts';
import {
  type ConfiguredReceiver,
  configureReceivers,
} from '../lib/adapters/webhooks/configured-receivers.ts';
import type { WebhookDeps } from '../lib/adapters/webhooks/handle-webhook.ts';
import { type IngestInput, type IngestOutcome, ingestHook } from '../lib/app/ingest-hook.ts';
import { withNotifications } from '../lib/app/notify-outcome.ts';
import {
  type ReconcileDeps,
  type ReconcileOutcome,
  reconcileAutomation,
} from '../lib/app/reconcile-automation.ts';
import { sweep } from '../lib/app/sweep.ts';
import type { AppError } from '../lib/domain/errors.ts';
import { checkAllowedAwsRoles } from '../lib/domain/flux/aws-role.ts';
import type { FluxConfig } from '../lib/domain/flux/types.ts';
import type { ReconcileRequest } from '../lib/domain/work.ts';
import type { Clock } from '../lib/ports/clock.ts';
import type { CodeCommitAuth } from '../lib/ports/codecommit-auth.ts';
import type { CommitSigning } from '../lib/ports/commit-signer.ts';
import type { GitClient } from '../lib/ports/git.ts';
import type { Logger } from '../lib/ports/logger.ts';
import type { ReadManifestFiles } from '../lib/ports/manifest-reader.ts';
import type { Queue, QueueMessage } from '../lib/ports/queue.ts';
import type { RegistryClient } from '../lib/ports/registry.ts';
import type { SecretSource } from '../lib/ports/secret-source.ts';
import type { StateStore } from '../lib/ports/state-store.ts';
import { type AwsAdapterChoice, awsAdapters } from './_aws-adapters.ts';
import { createConfigurationSource } from './_configuration.ts';
import { type LambdaEnv, loadLambdaEnv } from './_env.ts';
import { lazyPort } from './_lazy-port.ts';

/**
 * The composition root for Lambda (the local twin is lib/local/local-runtime.ts): built once per
 * container, on the first invocation, from the validated environment and the AWS adapters the function
 * chose (_aws-adapters.ts: DynamoDB state, the SQS FIFO queue, the OCI + ECR registry router, Secrets
 * Manager, isomorphic-git in memory), with the configuration from a bundled path or an S3 object and
 * per-ImageRepository ECR roles from an annotation. Tests pass their own adapters to
 * `createLambdaRuntime`; the handlers then run exactly as deployed.
 */
export interface LambdaAdapters {
  readonly state: StateStore;
  readonly queue: Queue;
  readonly registry: RegistryClient;
  readonly git: GitClient;
  /** Every secret but Receiver tokens (Secrets Manager `<secretPrefix>`). */
  readonly secrets: SecretSource;
  /** Receiver tokens only (Secrets Manager `<receiverSecretPrefix>`): all the webhook may read. */
  readonly receiverSecrets: SecretSource;
  readonly readManifestFiles: ReadManifestFiles;
  readonly clock: Clock;
  readonly powertoolsLogger: PowertoolsLogger;
  readonly metrics: Metrics;
}

export interface LambdaRuntime {
  readonly env: LambdaEnv;
  readonly logger: Logger;
  readonly powertoolsLogger: PowertoolsLogger;
  readonly metrics: Metrics;
  /** The configuration now (loaded on first use; an S3 object re-checked every refresh period). */
  configuration(): Promise<FluxConfig>;
  /** What the webhook edge needs, with the receivers of the current configuration resolved. */
  webhookDeps(): Promise<WebhookDeps>;
  ingest(input: IngestInput): Promise<IngestOutcome>;
  reconcile(request: ReconcileRequest): Promise<ReconcileOutcome>;
  sweep(): Promise<readonly QueueMessage[]>;
  /** Counts a failure (the `Errors` metric); the caller logs it. */
  recordError(error: AppError): void;
}

/** Metric names (CloudWatch, namespace from the environment). */
export const metricNames = Object.freeze({
  events: 'Events',
  pushes: 'Pushes',
  errors: 'Errors',
  latency: 'PushToCommitLatency',
});

export const createLambdaRuntime = (env: LambdaEnv, adapters: LambdaAdapters): LambdaRuntime => {
  const { state, queue, git, secrets, clock, metrics } = adapters;
  const logger = createPowertoolsPortLogger(adapters.powertoolsLogger);
  const configuration = createConfigurationSource({
    location: env.config.kind === 's3' ? env.config.url : env.config.path,
    readManifestFiles: adapters.readManifestFiles,
    refreshMs: env.config.kind === 's3' ? env.config.refreshMs : Number.POSITIVE_INFINITY,
    logger,
    check: (config) => checkAllowedAwsRoles(config, env.ecrRoleArns),
    onLoaded: (config) => {
      if (config.secrets.length === 0) return;
      // Secret documents are for local mode; here a secretRef reads Secrets Manager only.
      logger.warn('Secret documents in the configuration are ignored on Lambda', {
        documents: config.secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`),
        readFrom: `Secrets Manager ${env.secretPrefix}<namespace>/<name>, Receivers' ${env.receiverSecretPrefix}<namespace>/<name>`,
      });
    },
  });
  // Loaded on the first run, in the worker only (the other functions never reconcile), and kept for
  // the container's life: GitHub App installation tokens stay cached between invocations. openpgp
  // loads only when an automation signs. None of it is on any function's cold-start path.
  const openPgpSigning = lazyPort<Pick<CommitSigning, 'openPgp'>>(
    () => import('../lib/adapters/signing/openpgp-signing.ts').then((m) => m.createOpenPgpSigning()),
    { openPgp: true },
  );
  // SSH signing (and ssh2) loads only when an automation signs with `type: ssh`.
  const sshSigning = lazyPort<Pick<CommitSigning, 'ssh'>>(
    () => import('../lib/adapters/signing/ssh-signing.ts').then((m) => m.createSshSigning()),
    { ssh: true },
  );
  const signing: CommitSigning = { ...openPgpSigning, ...sshSigning };
  // CodeCommit with IAM (`provider: aws`): the worker role's credentials, loaded on first use.
  const codeCommit = lazyPort<CodeCommitAuth>(
    () => import('../lib/adapters/git/codecommit-auth.ts').then((m) => m.createCodeCommitAuth({ clock })),
    { gitCredentials: true },
  );
  let reviewAdapters: ReturnType<typeof loadReviewAdapters> | undefined;
  const loadReviewAdapters = async () => {
    const [forge, githubApp, slack, webhook] = await Promise.all([
      import('../lib/adapters/forge/forge-clients.ts'),
      import('../lib/adapters/forge/github-app-tokens.ts'),
      import('../lib/adapters/notify/slack.ts'),
      import('../lib/adapters/notify/webhook.ts'),
    ]);
    return {
      forge: forge.createForgeClients(),
      githubApp: githubApp.createGitHubAppTokenSource(),
      notifiers: { json: webhook.createWebhookNotifier(), slack: slack.createSlackNotifier() },
    };
  };
  // Built once per configuration: the role annotations and notification settings are read from it.
  const runners = new WeakMap<FluxConfig, (request: ReconcileRequest) => Promise<ReconcileOutcome>>();
  let receivers: { config: FluxConfig; at: number; map: ReadonlyMap<string, ConfiguredReceiver> } | undefined;

  const ingestDeps = async () => ({ config: await configuration.current(), state, queue, clock, logger });

  async function ingest(input: IngestInput): Promise<IngestOutcome> {
    const outcome = await ingestHook(await ingestDeps(), input);
    if (outcome.accepted > 0) metrics.addMetric(metricNames.events, MetricUnit.Count, outcome.accepted);
    return outcome;
  }

  async function currentReceivers(): Promise<ReadonlyMap<string, ConfiguredReceiver>> {
    const config = await configuration.current();
    const now = clock.now().getTime();
    // Re-resolved with the secrets' TTL, so a rotated receiver token takes effect without a deploy.
    if (!receivers || receivers.config !== config || now - receivers.at >= env.secretTtlMs) {
      receivers = {
        config,
        at: now,
        map: await configureReceivers(config, adapters.receiverSecrets, logger),
      };
    }
    return receivers.map;
  }

  async function reconcile(request: ReconcileRequest): Promise<ReconcileOutcome> {
    const config = await configuration.current();
    let run = runners.get(config);
    if (!run) {
      reviewAdapters ??= loadReviewAdapters();
      const { forge, githubApp, notifiers } = await reviewAdapters;
      const deps: ReconcileDeps = {
        config,
        // Each ImageRepository carries its own role on the request (resolve-policies): no look-up by image.
        registry: adapters.registry,
        git,
        state,
        secrets,
        clock,
        logger,
        signing,
        githubApp,
        codeCommit,
        forge,
      };
      run = withNotifications({ ...deps, notifiers }, (r) => reconcileAutomation(deps, r));
      runners.set(config, run);
    }
    const outcome = await run(request);
    if (outcome.kind === 'pushed') {
      metrics.addMetric(metricNames.pushes, MetricUnit.Count, 1);
      // Push-to-commit latency means something only when a registry event started the run.
      if (request.reason === 'event') {
        const latency = clock.now().getTime() - Date.parse(request.triggeredAt);
        metrics.addMetric(metricNames.latency, MetricUnit.Milliseconds, Math.max(0, latency));
      }
    }
    return outcome;
  }

  return {
    env,
    logger,
    powertoolsLogger: adapters.powertoolsLogger,
    metrics,
    configuration: () => configuration.current(),
    webhookDeps: async () => {
      const map = await currentReceivers();
      return { receivers: () => map, ingest, logger };
    },
    ingest,
    reconcile,
    sweep: async () => sweep(await ingestDeps(), { all: true }),
    recordError: () => {
      metrics.addMetric(metricNames.errors, MetricUnit.Count, 1);
    },
  };
};

let built: LambdaRuntime | undefined;

/**
 * This container's runtime, built on first use with the AWS adapters the function chose (an invalid
 * environment fails every invocation, loudly, and is not cached).
 */
export const lambdaRuntime = (choice: AwsAdapterChoice): LambdaRuntime => {
  if (!built) {
    const env = loadLambdaEnv();
    built = createLambdaRuntime(env, awsAdapters(env, choice));
  }
  return built;
};
