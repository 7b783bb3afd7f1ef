import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { encodeSqsMessageBody } from '../../lib/adapters/queue/sqs-message.ts';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { ECR_IMAGE, ecrTenant, serviceAccount } from '../helpers/ecr-tenants.ts';
import { testRegion } from '../helpers/fake-aws.ts';
import { type FakeEcrSts, startFakeEcrSts } from '../helpers/fake-ecr-sts.ts';
import { invokeBundledHandler } from '../helpers/invoke-bundled-handler.ts';
import { type PackagedService, packageService } from '../helpers/packaged-service.ts';

/**
 * The bundled worker (the code inside worker.zip) reading one ECR image for three tenants, each with
 * the identity of its own ImageRepository: team-a by the annotation shorthand, team-c by Flux's
 * spec.serviceAccountName → ServiceAccount → eks.amazonaws.com/role-arn, team-b with none (the
 * worker's own credentials). ECR's DescribeImages and STS's AssumeRole are one stand-in on
 * 127.0.0.1, which records the access key every call was signed with; the Git server is real.
 * The look-up by image once signed team-b's and team-c's reads with team-a's role.
 */
const ROLE_A = 'arn:aws:iam::210987654321:role/team-a-ecr-read';
const ROLE_C = 'arn:aws:iam::210987654322:role/team-c-ecr-read';
const DIGEST = `sha256:${'e'.repeat(64)}`;
const TENANTS = ['team-a', 'team-b', 'team-c'] as const;

let service: PackagedService;
let gitServer: GitServer;
let dynalite: Dynalite;
let aws: FakeEcrSts;
let work: { path: string; remove: () => Promise<void> };
let env: Record<string, string>;
let worker: string;

beforeAll(async () => {
  [service, gitServer, dynalite, aws, work] = await Promise.all([
    packageService(),
    startGitServer(),
    startDynalite(),
    startFakeEcrSts({ 'shared/web': { '1.0.0': `sha256:${'d'.repeat(64)}`, '1.2.3': DIGEST } }),
    scratchDir('ia-bundled-ecr-'),
  ]);
  worker = await service.extract('worker', join(work.path, 'worker'));
  for (const tenant of TENANTS) {
    await gitServer.createRepo(tenant, {
      'deploy.yaml': `image: ${ECR_IMAGE}:1.0.0 # {"$imagepolicy": "${tenant}:web"}\n`,
    });
  }
  const configFile = join(work.path, 'config', 'fleet.yaml');
  await mkdir(dirname(configFile), { recursive: true });
  await writeFile(
    configFile,
    [
      ecrTenant('team-a', { annotation: ROLE_A }, gitServer.url('team-a')),
      ecrTenant('team-b', {}, gitServer.url('team-b')),
      ecrTenant('team-c', { serviceAccountName: 'ecr-reader' }, gitServer.url('team-c')),
      serviceAccount('team-c', 'ecr-reader', ROLE_C),
    ].join('\n---\n'),
  );
  env = {
    IMAGE_AUTOMATION_CONFIG: dirname(configFile),
    IMAGE_AUTOMATION_STATE_TABLE: await dynalite.createStateTable(),
    IMAGE_AUTOMATION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/work.fifo',
    IMAGE_AUTOMATION_ECR_ROLE_ARNS: `${ROLE_A},${ROLE_C}`,
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_ENDPOINT_URL_ECR: aws.endpoint,
    AWS_ENDPOINT_URL_STS: aws.endpoint,
    AWS_REGION: testRegion,
    AWS_ACCESS_KEY_ID: 'AKIDWORKER',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_LAMBDA_FUNCTION_NAME: 'image-automation-ci-worker',
  };
}, 300_000);

afterAll(async () => {
  await Promise.all([gitServer?.stop(), dynalite?.stop(), aws?.stop()]);
  await work?.remove();
});

const message = (tenant: string): SQSEvent => ({
  Records: [
    {
      messageId: `msg-${tenant}`,
      receiptHandle: `receipt-${tenant}`,
      body: encodeSqsMessageBody({
        automation: `${tenant}/fleet`,
        repositories: [ECR_IMAGE],
        reason: 'event',
        deliveryIds: [`ecr:${tenant}`],
        triggeredAt: new Date().toISOString(),
      }),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
        MessageGroupId: `${gitServer.url(tenant)}#main`,
        MessageDeduplicationId: `ecr:${tenant}`,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:work.fifo',
      awsRegion: testRegion,
    },
  ],
});

describe('bundled worker: ECR identities per ImageRepository', () => {
  it.each([
    ['team-a', 'its annotated role', () => aws.accessKeyFor(ROLE_A)],
    ['team-b', "the worker's own credentials, not team-a's role", () => 'AKIDWORKER'],
    ['team-c', "its ServiceAccount's role", () => aws.accessKeyFor(ROLE_C)],
  ])('%s reads the shared image with %s and commits the digest', async (tenant, _, accessKey) => {
    aws.describeImages.length = 0;
    const { result, stderr } = await invokeBundledHandler<SQSBatchResponse>(worker, message(tenant), env);
    expect(result, stderr).toEqual({ batchItemFailures: [] });
    expect(aws.describeImages.length).toBeGreaterThan(0);
    expect(new Set(aws.describeImages.map((call) => call.accessKeyId))).toEqual(new Set([accessKey()]));
    expect(await gitServer.readFileAt(tenant, 'main', 'deploy.yaml')).toBe(
      `image: ${ECR_IMAGE}:1.2.3@${DIGEST} # {"$imagepolicy": "${tenant}:web"}\n`,
    );
  });

  it('assumed only the two roles the ImageRepositories name', () => {
    expect(new Set(aws.assumedRoles)).toEqual(new Set([ROLE_A, ROLE_C]));
  });
});
