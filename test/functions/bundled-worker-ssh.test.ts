import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import {
  generateSshKey,
  type SshGitServer,
  type SshKeyPair,
  startSshGitServer,
} from '../../infra/peers/ssh-git-server.ts';
import { encodeSqsMessageBody } from '../../lib/adapters/queue/sqs-message.ts';
import { type Dynalite, startDynalite } from '../helpers/dynalite.ts';
import { testRegion } from '../helpers/fake-aws.ts';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { invokeBundledHandler } from '../helpers/invoke-bundled-handler.ts';
import { type LocalSqs, startLocalSqs } from '../helpers/local-sqs.ts';
import { type PackagedService, packageService } from '../helpers/packaged-service.ts';

/**
 * The worker inside worker.zip reconciling over SSH, as deployed: no `ssh` binary is used (ssh2 in
 * the bundle), the GitRepository's Secret comes from Secrets Manager as a JSON object with
 * `identity` and `known_hosts`, and the same Secret signs the commit (`signingKey.type: ssh`).
 */

let service: PackagedService;
let registry: RegistryServer;
let ssh: SshGitServer;
let dynalite: Dynalite;
let sqs: LocalSqs;
let secretsManager: FakeSecretsManager;
let work: { path: string; remove: () => Promise<void> };
let key: SshKeyPair;
let env: Record<string, string>;
let worker: string;

const sqsEvent = (groupId: string, body: string): SQSEvent => ({
  Records: [
    {
      messageId: 'ssh-msg-1',
      receiptHandle: 'receipt-1',
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
        MessageGroupId: groupId,
        MessageDeduplicationId: 'ssh-push-1:apps/fleet',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:work.fifo',
      awsRegion: testRegion,
    },
  ],
});

beforeAll(async () => {
  [service, registry, ssh, dynalite, sqs, work] = await Promise.all([
    packageService(),
    startRegistry(),
    startSshGitServer(),
    startDynalite(),
    startLocalSqs(),
    scratchDir('ia-bundled-ssh-'),
  ]);
  key = await generateSshKey(work.path, 'ecdsa', { name: 'deploy', passphrase: 'deploy key pw' });
  await ssh.authorize([key.publicKey]);
  secretsManager = await startFakeSecretsManager({
    'image-automation/apps/git-ssh': JSON.stringify({
      identity: key.privateKey,
      'identity.pub': key.publicKey,
      password: 'deploy key pw',
      known_hosts: await ssh.knownHosts({ hashed: true }),
    }),
  });
  worker = await service.extract('worker', join(work.path, 'worker'));
  await ssh.repos.createRepo('fleet', {
    'apps/web/deployment.yaml': `spec:\n  image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
  });
  const configFile = join(work.path, 'config', 'fleet.yaml');
  await mkdir(dirname(configFile), { recursive: true });
  const manifests = fleetManifests({
    gitUrl: ssh.url('fleet'),
    gitSecretRef: 'git-ssh',
    signingKeySecret: 'git-ssh',
    policies: [{ name: 'web', image: `${registry.host}/team/web` }],
  }).replace(
    'signingKey: {secretRef: {name: git-ssh}}',
    'signingKey: {type: ssh, secretRef: {name: git-ssh}}',
  );
  expect(manifests).toContain('type: ssh');
  await writeFile(configFile, manifests);
  env = {
    IMAGE_AUTOMATION_CONFIG: dirname(configFile),
    IMAGE_AUTOMATION_STATE_TABLE: await dynalite.createStateTable(),
    IMAGE_AUTOMATION_QUEUE_URL: await sqs.createFifoQueue('bundled-ssh'),
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
    AWS_REGION: testRegion,
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_NAME: 'image-automation-ci-worker',
    // Lambda has no ssh on its PATH; neither does this process.
    PATH: '/nonexistent',
  };
}, 300_000);

afterAll(async () => {
  await Promise.all([registry?.stop(), ssh?.stop(), dynalite?.stop(), sqs?.stop(), secretsManager?.stop()]);
  await work?.remove();
});

describe('bundled worker over SSH', () => {
  it('turns an SQS message into a signed, digest-pinned commit pushed over one SSH connection', async () => {
    const digest = await pushImage(registry, { repository: 'team/web', tag: '1.2.3' });
    const body = encodeSqsMessageBody({
      automation: 'apps/fleet',
      repositories: [`${registry.host}/team/web`],
      reason: 'event',
      deliveryIds: ['distribution:ssh-push-1'],
      triggeredAt: new Date().toISOString(),
    });
    const logins = (ssh.log().match(/Accepted publickey/g) ?? []).length;
    const { result, lines } = await invokeBundledHandler<SQSBatchResponse>(
      worker,
      sqsEvent(`${ssh.url('fleet')}#main`, body),
      env,
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await ssh.repos.readFileAt('fleet', 'main', 'apps/web/deployment.yaml')).toBe(
      `spec:\n  image: ${registry.host}/team/web:1.2.3@${digest} # {"$imagepolicy": "apps:web"}\n`,
    );
    const [head] = await ssh.repos.gitLog('fleet', 'main');
    expect(lines.find((l) => l.message === 'pushed')).toMatchObject({ commit: head?.commit });
    // The signature is the deploy key's, as git verifies it.
    const signers = join(work.path, 'allowed_signers');
    await writeFile(signers, `bot@example.com namespaces="git" ${key.publicKey}\n`);
    const verify = ['-c', 'gpg.format=ssh', '-c', `gpg.ssh.allowedSignersFile=${signers}`];
    expect((await ssh.repos.git('fleet', [...verify, 'log', '-1', '--format=%G? %GF', 'main'])).trim()).toBe(
      `G ${key.fingerprint}`,
    );
    // Checkout (advertisement + pack) and push (advertisement + pack) share one SSH login.
    expect((ssh.log().match(/Accepted publickey/g) ?? []).length - logins).toBe(1);
    // No key material in anything the function logged.
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(key.privateKey.split('\n')[1]?.slice(0, 24));
    expect(logged).not.toContain('deploy key pw');
  });
});
