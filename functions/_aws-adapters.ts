import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { readManifestFiles } from '../lib/adapters/config/read-manifest-files.ts';
import { createRegistryRouter } from '../lib/adapters/registry/registry-router.ts';
import { InternalError } from '../lib/domain/errors.ts';
import { systemClock } from '../lib/ports/clock.ts';
import type { GitClient } from '../lib/ports/git.ts';
import type { ReadManifestFiles } from '../lib/ports/manifest-reader.ts';
import type { Queue } from '../lib/ports/queue.ts';
import type { RegistryClient } from '../lib/ports/registry.ts';
import type { SecretSource } from '../lib/ports/secret-source.ts';
import type { StateStore } from '../lib/ports/state-store.ts';
import type { LambdaEnv } from './_env.ts';
import { lazyPort } from './_lazy-port.ts';
import type { LambdaAdapters } from './_runtime.ts';

/**
 * The AWS adapters, one loader per port. Each function names the loaders it uses — the same
 * services its IAM role allows (infra/iam.yml) — and esbuild bundles only those: the sweep carries
 * no Git, ECR or DynamoDB code. A loaded adapter is itself initialised on its first call
 * (_lazy-port.ts). SDK clients take region, credentials and endpoints (`AWS_ENDPOINT_URL_<SERVICE>`)
 * from the environment. A port a function did not name fails with an InternalError: a bug, not a
 * silent AWS call its role would refuse anyway.
 */
export type AdapterLoader<T> = (env: LambdaEnv) => T;

export interface AwsAdapterChoice {
  readonly state?: AdapterLoader<StateStore>;
  readonly queue?: AdapterLoader<Queue>;
  readonly registry?: AdapterLoader<RegistryClient>;
  readonly git?: AdapterLoader<GitClient>;
  readonly secrets?: AdapterLoader<SecretSource>;
  readonly receiverSecrets?: AdapterLoader<SecretSource>;
}

const stateMethods = {
  read: true,
  write: true,
  list: true,
  hasDelivery: true,
  rememberDelivery: true,
} as const;
const registryMethods = { listTags: true, resolveDigest: true } as const;
const gitMethods = { checkout: true, remoteHead: true } as const;

const stateTable = async (env: LambdaEnv) =>
  (await import('../lib/adapters/state/dynamodb-table-client.ts')).openStateTable({
    tableName: env.stateTable,
  });

/**
 * Delivery ids only (webhook, ecrEvent: ingestion remembers and checks deliveries, nothing else); the
 * status methods fail as unavailable. The role allows these items only (`dynamodb:LeadingKeys`).
 */
export const dynamoDbDeliveries: AdapterLoader<StateStore> = (env) =>
  lazyPort<StateStore>(async () => {
    const { createDynamoDbDeliveryLog } = await import('../lib/adapters/state/dynamodb-delivery-log.ts');
    return {
      ...unavailable<StateStore>('status store', stateMethods),
      ...createDynamoDbDeliveryLog(await stateTable(env)),
    };
  }, stateMethods);

/** Status records only (worker: read and write, never list, never a delivery id). */
export const dynamoDbStatus: AdapterLoader<StateStore> = (env) =>
  lazyPort<StateStore>(async () => {
    const { createDynamoDbStatusRecords } = await import('../lib/adapters/state/dynamodb-status-records.ts');
    return {
      ...unavailable<StateStore>('delivery log', stateMethods),
      ...createDynamoDbStatusRecords(await stateTable(env)),
    };
  }, stateMethods);

export const sqsQueue: AdapterLoader<Queue> = (env) =>
  lazyPort<Queue>(
    async () =>
      (await import('../lib/adapters/queue/sqs-queue.ts')).createSqsQueue({ queueUrl: env.queueUrl }),
    { send: true },
  );

/** OCI Distribution for every registry, ECR's API for `provider: aws` (sharing the OCI data plane). */
export const ociAndEcrRegistries: AdapterLoader<RegistryClient> = () => {
  const oci = lazyPort<RegistryClient>(
    async () =>
      (await import('../lib/adapters/registry/oci-distribution-client.ts')).createOciRegistryClient(),
    registryMethods,
  );
  const ecr = lazyPort<RegistryClient>(
    async () =>
      (await import('../lib/adapters/registry/ecr-registry-client.ts')).createEcrRegistryClient({ oci }),
    registryMethods,
  );
  return createRegistryRouter({ oci, ecr });
};

export const isomorphicGitInMemory: AdapterLoader<GitClient> = (env) =>
  lazyPort<GitClient>(
    async () =>
      (await import('../lib/adapters/git/isomorphic-git-client.ts')).createIsomorphicGitClient({
        fs: 'memory',
        timeoutMs: env.gitTimeoutMs,
      }),
    gitMethods,
  );

/** Every secret but Receiver tokens: `<secretPrefix><namespace>/<name>` (worker: Git, registries, signing, forges). */
export const secretsManager: AdapterLoader<SecretSource> = (env) =>
  lazyPort<SecretSource>(
    async () =>
      (
        await import('../lib/adapters/secrets/secrets-manager-secret-source.ts')
      ).createSecretsManagerSecretSource({
        prefix: env.secretPrefix,
        ttlMs: env.secretTtlMs,
      }),
    { getSecret: true },
  );

/**
 * Receiver tokens only: `<receiverSecretPrefix><namespace>/<name>`, a prefix of their own, so the
 * internet-facing webhook's role reads these secrets and no Git credential or signing key.
 */
export const receiverSecretsManager: AdapterLoader<SecretSource> = (env) =>
  lazyPort<SecretSource>(
    async () =>
      (
        await import('../lib/adapters/secrets/secrets-manager-secret-source.ts')
      ).createSecretsManagerSecretSource({
        prefix: env.receiverSecretPrefix,
        ttlMs: env.secretTtlMs,
      }),
    { getSecret: true },
  );

const unavailable = <T extends object>(port: string, methods: Readonly<Record<keyof T, true>>): T =>
  lazyPort<T>(async () => {
    throw new InternalError(
      `this function has no ${port} adapter; add its loader to the function's adapters`,
    );
  }, methods);

/** The configuration reader: the S3 client is loaded only when the configuration lives in S3. */
const manifestReader = (env: LambdaEnv): ReadManifestFiles => {
  if (env.config.kind !== 's3') return readManifestFiles;
  let s3Reader: Promise<ReadManifestFiles> | undefined;
  return async (url) => {
    s3Reader ??= import('../lib/adapters/config/s3-manifest-reader.ts').then((m) =>
      m.createS3ManifestReader(),
    );
    return (await s3Reader)(url);
  };
};

export const awsAdapters = (env: LambdaEnv, choice: AwsAdapterChoice): LambdaAdapters => ({
  state: choice.state?.(env) ?? unavailable<StateStore>('state store', stateMethods),
  queue: choice.queue?.(env) ?? unavailable<Queue>('queue', { send: true }),
  registry: choice.registry?.(env) ?? unavailable<RegistryClient>('registry', registryMethods),
  git: choice.git?.(env) ?? unavailable<GitClient>('Git', gitMethods),
  secrets: choice.secrets?.(env) ?? unavailable<SecretSource>('secret source', { getSecret: true }),
  receiverSecrets:
    choice.receiverSecrets?.(env) ?? unavailable<SecretSource>('Receiver secret source', { getSecret: true }),
  readManifestFiles: manifestReader(env),
  clock: systemClock,
  powertoolsLogger: new PowertoolsLogger({ serviceName: env.serviceName, logLevel: env.logLevel }),
  metrics: new Metrics({ namespace: env.metricsNamespace, serviceName: env.serviceName }),
});
