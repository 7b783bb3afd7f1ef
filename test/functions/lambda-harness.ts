import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { loadLambdaEnv } from '../../functions/_env.ts';
import { type FunctionCore, type FunctionKind, withStandardMiddleware } from '../../functions/_middleware.ts';
import { createLambdaRuntime, type LambdaRuntime } from '../../functions/_runtime.ts';
import { createMemoryStateStore } from '../../lib/adapters/state/memory-state-store.ts';
import { UpstreamError } from '../../lib/domain/errors.ts';
import type { Clock } from '../../lib/ports/clock.ts';
import type { GitClient } from '../../lib/ports/git.ts';
import type { Queue, QueueMessage } from '../../lib/ports/queue.ts';
import type { RegistryClient } from '../../lib/ports/registry.ts';
import type { SecretSource } from '../../lib/ports/secret-source.ts';
import type { StateStore } from '../../lib/ports/state-store.ts';

/**
 * The Lambda runtime with in-memory adapters: the real composition (createLambdaRuntime), the real
 * middleware stack and the real use cases, with the configuration given as text, a recording queue,
 * a memory state store, scripted registry and Git, and Powertools output captured as JSON lines
 * (log records, and EMF metric blobs under `_aws`).
 */
export interface HarnessOptions {
  readonly config: string;
  readonly registry?: RegistryClient;
  readonly git?: GitClient;
  /** Secrets Manager as a map of `<namespace>/<name>` → data. */
  readonly secrets?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Makes `send` fail (the queue is unavailable). */
  readonly queueFails?: boolean;
  /** Extra function environment (e.g. IMAGE_AUTOMATION_ECR_ROLE_ARNS). */
  readonly env?: Readonly<Record<string, string>>;
  /** The runtime's clock; the system clock by default. */
  readonly clock?: Clock;
}

export interface Harness {
  readonly runtime: LambdaRuntime;
  readonly state: StateStore;
  /** Messages the functions queued. */
  readonly sent: QueueMessage[];
  /** Captured Powertools output, parsed. */
  readonly output: Record<string, unknown>[];
  logs(): Record<string, unknown>[];
  metrics(): Record<string, unknown>[];
  /** The handler exactly as deployed, but on this harness's runtime. */
  wrap<E, R>(core: FunctionCore<E, R>, kind: FunctionKind): (event: E, context?: Context) => Promise<R>;
}

export const lambdaContext = (functionName = 'image-automation-test'): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2026/11/21/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

/** A Console writing parsed JSON lines into `sink` (Powertools prints one JSON document per call). */
const capturingConsole = (sink: Record<string, unknown>[]) => {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) sink.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return new Console({ stdout: stream, stderr: stream });
};

const noGit: GitClient = {
  checkout: async () => {
    throw new UpstreamError('no Git in this test');
  },
  remoteHead: async () => null,
};

const noRegistry: RegistryClient = {
  listTags: async () => [],
  resolveDigest: async () => {
    throw new UpstreamError('no registry in this test');
  },
};

export const createHarness = (options: HarnessOptions): Harness => {
  const env = loadLambdaEnv({
    IMAGE_AUTOMATION_CONFIG: '/var/task/config',
    IMAGE_AUTOMATION_STATE_TABLE: 'state',
    IMAGE_AUTOMATION_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/work.fifo',
    IMAGE_AUTOMATION_LOG_LEVEL: 'debug',
    ...options.env,
  });
  const output: Record<string, unknown>[] = [];
  const sent: QueueMessage[] = [];
  const queue: Queue = {
    send: async (messages) => {
      if (options.queueFails) throw new UpstreamError('SQS SendMessageBatch failed: ServiceUnavailable');
      sent.push(...messages);
    },
  };
  const secrets: SecretSource = {
    getSecret: async (namespace, name) => options.secrets?.[`${namespace}/${name}`],
  };
  const powertoolsLogger = new PowertoolsLogger({ serviceName: env.serviceName, logLevel: env.logLevel });
  const metrics = new Metrics({ namespace: env.metricsNamespace, serviceName: env.serviceName });
  // Test-only: Powertools writes through a private Console on stdout; point it at our sink.
  Object.assign(powertoolsLogger, { console: capturingConsole(output) });
  Object.assign(metrics, { console: capturingConsole(output) });
  const state = createMemoryStateStore();
  const runtime = createLambdaRuntime(env, {
    state,
    queue,
    registry: options.registry ?? noRegistry,
    git: options.git ?? noGit,
    secrets,
    // The same map: which Secrets Manager prefix a Receiver's token lives under is the AWS adapters' concern.
    receiverSecrets: secrets,
    readManifestFiles: async () => ({
      files: [{ path: 'fleet.yaml', text: options.config }],
      errors: [],
      warnings: [],
    }),
    clock: options.clock ?? { now: () => new Date() },
    powertoolsLogger,
    metrics,
  });
  return {
    runtime,
    state,
    sent,
    output,
    logs: () => output.filter((line) => !('_aws' in line)),
    metrics: () => output.filter((line) => '_aws' in line),
    wrap: (core, kind) => {
      const handler = withStandardMiddleware(core, { kind, runtime: () => runtime });
      return (event, context = lambdaContext()) => handler(event, context);
    },
  };
};
