import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { APIGatewayProxyEventV2, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { encodeSqsMessageBody } from '../../lib/adapters/queue/sqs-message.ts';
import { createDynamoDbStateStore } from '../../lib/adapters/state/dynamodb-state-store.ts';
import { hookDigest } from '../../lib/adapters/webhooks/hook-path.ts';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { testRegion } from '../helpers/fake-aws.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { invokeBundledHandler } from '../helpers/invoke-bundled-handler.ts';
import { type LocalSqs, startLocalSqs } from '../helpers/local-sqs.ts';
import { type PackagedService, packageService } from '../helpers/packaged-service.ts';

/**
 * The deployment packages themselves: the JavaScript inside worker.zip and webhook.zip, loaded in a
 * fresh Node 22 process with nothing but a Lambda-like environment. AWS endpoints come through the SDK's
 * own `AWS_ENDPOINT_URL_<SERVICE>` variables: dynalite, local SQS, a GetSecretValue stand-in; the
 * registry and the Git server are real.
 */
const TOKEN = 'bundled-receiver-token';
const REPO = 'fleet';

let service: PackagedService;
let registry: RegistryServer;
let gitServer: GitServer;
let dynalite: Dynalite;
let sqs: LocalSqs;
let secretsManager: FakeSecretsManager;
let work: { path: string; remove: () => Promise<void> };
let env: Record<string, string>;
let handlers: { worker: string; webhook: string };

beforeAll(async () => {
  [service, registry, gitServer, dynalite, sqs, secretsManager, work] = await Promise.all([
    packageService(),
    startRegistry(),
    startGitServer(),
    startDynalite(),
    startLocalSqs(),
    // Receiver tokens live under their own prefix, the only secrets the webhook's role may read.
    startFakeSecretsManager({
      'image-automation-receivers/apps/receiver-token': JSON.stringify({ token: TOKEN }),
    }),
    scratchDir('ia-bundled-'),
  ]);
  handlers = {
    worker: await service.extract('worker', join(work.path, 'worker')),
    webhook: await service.extract('webhook', join(work.path, 'webhook')),
  };
  await gitServer.createRepo(REPO, {
    'apps/web/deployment.yaml': `spec:\n  image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
  });
  const configFile = join(work.path, 'config', 'fleet.yaml');
  await mkdir(dirname(configFile), { recursive: true });
  await writeFile(
    configFile,
    fleetManifests({
      gitUrl: gitServer.url(REPO),
      policies: [{ name: 'web', image: `${registry.host}/team/web` }],
      extra: [
        `apiVersion: notification.toolkit.fluxcd.io/v1
kind: Receiver
metadata: {name: registry, namespace: apps}
spec:
  type: distribution
  secretRef: {name: receiver-token}
  resources:
    - {apiVersion: image.toolkit.fluxcd.io/v1, kind: ImageRepository, name: "*", matchLabels: {}}`,
      ],
    }),
  );
  env = {
    IMAGE_AUTOMATION_CONFIG: dirname(configFile),
    IMAGE_AUTOMATION_STATE_TABLE: await dynalite.createStateTable(),
    IMAGE_AUTOMATION_QUEUE_URL: await sqs.createFifoQueue('bundled'),
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
    AWS_REGION: testRegion,
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    // What Lambda sets; Powertools reads it to mark the first invocation as a cold start.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  };
}, 300_000);

afterAll(async () => {
  await Promise.all([
    registry?.stop(),
    gitServer?.stop(),
    dynalite?.stop(),
    sqs?.stop(),
    secretsManager?.stop(),
  ]);
  await work?.remove();
});

describe('bundled functions (the code inside the zips)', () => {
  it('worker: an SQS FIFO message becomes the digest-pinned commit, with status in DynamoDB', async () => {
    // Prepare
    const digest = await pushImage(registry, { repository: 'team/web', tag: '1.2.3' });
    const request = {
      automation: 'apps/fleet',
      repositories: [`${registry.host}/team/web`],
      reason: 'event' as const,
      deliveryIds: ['distribution:push-1'],
      triggeredAt: new Date().toISOString(),
    };
    const event: SQSEvent = {
      Records: [
        {
          messageId: 'msg-1',
          receiptHandle: 'receipt-1',
          body: encodeSqsMessageBody(request),
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(Date.now()),
            SenderId: 'AIDAEXAMPLE',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
            MessageGroupId: `${gitServer.url(REPO)}#main`,
            MessageDeduplicationId: 'distribution:push-1:apps/fleet',
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:work.fifo',
          awsRegion: testRegion,
        },
      ],
    };
    // Act
    const { result, lines } = await invokeBundledHandler<SQSBatchResponse>(handlers.worker, event, {
      ...env,
      AWS_LAMBDA_FUNCTION_NAME: 'image-automation-ci-worker',
    });
    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await gitServer.readFileAt(REPO, 'main', 'apps/web/deployment.yaml')).toBe(
      `spec:\n  image: ${registry.host}/team/web:1.2.3@${digest} # {"$imagepolicy": "apps:web"}\n`,
    );
    const [head] = await gitServer.gitLog(REPO, 'main');
    const state = createDynamoDbStateStore({
      tableName: env.IMAGE_AUTOMATION_STATE_TABLE ?? '',
      client: dynalite.client(),
    });
    expect((await state.read('automation', 'apps/fleet'))?.value).toMatchObject({
      lastPushCommit: head?.commit,
      lastPushBranch: 'main',
    });
    expect(lines.find((l) => l.message === 'pushed')).toMatchObject({
      level: 'INFO',
      service: 'image-automation',
      correlation_id: 'msg-1',
      cold_start: true,
      deliveryIds: ['distribution:push-1'],
      commit: head?.commit,
    });
    const emf = lines.find((l) => 'Pushes' in l);
    expect(emf).toMatchObject({ Pushes: 1, PushToCommitLatency: expect.any(Number) });
    expect(emf?._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'ImageAutomation' }] });
  });

  it('webhook: an API Gateway v2 event is verified and enqueued to SQS FIFO, answered 202', async () => {
    const digest = hookDigest(TOKEN, 'registry', 'apps');
    const body = JSON.stringify({
      events: [
        {
          id: 'bundled-evt-1',
          timestamp: '2026-11-21T10:00:00Z',
          action: 'push',
          target: {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: `sha256:${'a'.repeat(64)}`,
            repository: 'team/web',
            tag: '1.3.0',
          },
          request: { host: registry.host },
        },
      ],
    });
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: 'POST /hook/{digest}',
      rawPath: `/hook/${digest}`,
      rawQueryString: '',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      pathParameters: { digest },
      isBase64Encoded: true,
      body: Buffer.from(body).toString('base64'),
      requestContext: {
        accountId: '123456789012',
        apiId: 'api',
        domainName: 'api.execute-api.us-east-1.amazonaws.com',
        domainPrefix: 'api',
        http: {
          method: 'POST',
          path: `/hook/${digest}`,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'registry',
        },
        requestId: 'bundled-request-1',
        routeKey: 'POST /hook/{digest}',
        stage: '$default',
        time: '21/Nov/2026:10:00:01 +0000',
        timeEpoch: Date.now(),
      },
    };
    const { result, lines, stderr } = await invokeBundledHandler<{ statusCode: number; body: string }>(
      handlers.webhook,
      event,
      {
        ...env,
        AWS_LAMBDA_FUNCTION_NAME: 'image-automation-ci-webhook',
      },
    );
    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body)).toMatchObject({ accepted: 1, queued: 1 });
    const messages = await sqs.drain(env.IMAGE_AUTOMATION_QUEUE_URL ?? '');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.Attributes).toMatchObject({
      MessageGroupId: `${gitServer.url(REPO)}#main`,
      MessageDeduplicationId: 'apps/registry:distribution:bundled-evt-1:apps/fleet',
    });
    expect(JSON.parse(messages[0]?.Body ?? '')).toMatchObject({
      automation: 'apps/fleet',
      reason: 'event',
      deliveryIds: ['apps/registry:distribution:bundled-evt-1'],
    });
    expect(secretsManager.requested).toContain('image-automation-receivers/apps/receiver-token');
    expect(secretsManager.requested).not.toContain('image-automation/apps/receiver-token');
    expect(lines.find((l) => l.message === 'event queued')).toMatchObject({
      correlation_id: 'bundled-request-1',
    });
    // The receiver token reached the function through Secrets Manager; it is in no output.
    expect(`${JSON.stringify(lines)}${stderr}`).not.toContain(TOKEN);
    expect(stderr).toBe('');
  });
});
