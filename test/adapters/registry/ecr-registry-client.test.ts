import 'aws-sdk-client-mock-vitest/extend';
import {
  DescribeImagesCommand,
  ECRClient,
  ECRServiceException,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RegistryServer, startRegistry } from '../../../infra/peers/registry-server.ts';
import { pushImage } from '../../../infra/peers/skopeo.ts';
import {
  createEcrRegistryClient,
  type EcrClientSettings,
} from '../../../lib/adapters/registry/ecr-registry-client.ts';
import { AuthError } from '../../../lib/domain/errors.ts';
import type { RegistryClient, RegistryRepository } from '../../../lib/ports/registry.ts';
import { fakeAwsCredentials, testRegion } from '../../helpers/fake-aws.ts';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const ROLE = 'arn:aws:iam::210987654321:role/tenant-a-ecr-read';

const ecrRepo = (overrides: Partial<RegistryRepository> = {}): RegistryRepository => ({
  registry: HOST,
  repository: 'team/web',
  insecure: false,
  provider: 'aws',
  credentials: { kind: 'anonymous' },
  ...overrides,
});

const token = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

const awsFailure = (name: string, status: number) =>
  new ECRServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'req-1' },
    message: `${name} happened`,
  });

/** An OCI client double that records what the ECR client hands to the data plane. */
const recordingOci = (digest = 'sha256:'.padEnd(71, 'd')) => {
  const calls: Array<{ method: string; repo: RegistryRepository; tag?: string }> = [];
  let failNext: Error | undefined;
  const client: RegistryClient = {
    async listTags(repo) {
      calls.push({ method: 'listTags', repo });
      return ['public-tag'];
    },
    async resolveDigest(repo, tag) {
      calls.push({ method: 'resolveDigest', repo, tag });
      const failure = failNext;
      failNext = undefined;
      if (failure) throw failure;
      return digest;
    },
  };
  return { client, calls, failOnce: (error: Error) => (failNext = error) };
};

const ecrClientRecorder = () => {
  const built: EcrClientSettings[] = [];
  const ecrClientFor = (settings: EcrClientSettings) => {
    built.push(settings);
    return new ECRClient({ region: settings.region, credentials: fakeAwsCredentials() });
  };
  return { built, ecrClientFor };
};

describe('ECR registry client: control plane (aws-sdk-client-mock)', () => {
  let ecrMock: AwsClientStub<ECRClient>;
  let stsMock: AwsClientStub<STSClient>;
  let now: number;
  const clock = () => now;

  beforeAll(() => {
    ecrMock = mockClient(ECRClient);
    stsMock = mockClient(STSClient);
  });
  afterAll(() => {
    ecrMock.restore();
    stsMock.restore();
  });
  beforeEach(() => {
    ecrMock.reset();
    stsMock.reset();
    now = Date.UTC(2026, 10, 21, 12);
    ecrMock.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        {
          authorizationToken: token('AWS', 'secret-password'),
          expiresAt: new Date(now + 12 * 3600_000),
          proxyEndpoint: `https://${HOST}`,
        },
      ],
    });
  });

  it('lists every tag of every page in one pass, skipping untagged and archived images', async () => {
    ecrMock
      .on(DescribeImagesCommand)
      .resolvesOnce({
        imageDetails: [
          { imageDigest: 'sha256:aaa', imageTags: ['1.0.0', 'latest'] },
          { imageDigest: 'sha256:child', imageTags: [] },
          { imageDigest: 'sha256:attestation' },
          { imageDigest: 'sha256:old', imageTags: ['0.9.0'], imageStatus: 'ARCHIVED' },
        ],
        nextToken: 'page-2',
      })
      .resolvesOnce({ imageDetails: [{ imageDigest: 'sha256:bbb', imageTags: ['1.1.0'] }] });
    const { ecrClientFor, built } = ecrClientRecorder();
    const ecr = createEcrRegistryClient({ ecrClientFor, oci: recordingOci().client, clock });

    expect(await ecr.listTags(ecrRepo())).toEqual(['1.0.0', 'latest', '1.1.0']);
    expect(ecrMock).toHaveReceivedCommandTimes(DescribeImagesCommand, 2);
    expect(ecrMock).toHaveReceivedNthCommandWith(DescribeImagesCommand, 1, {
      registryId: '123456789012',
      repositoryName: 'team/web',
      filter: { tagStatus: 'TAGGED' },
      maxResults: 1000,
    });
    expect(ecrMock).toHaveReceivedNthCommandWith(DescribeImagesCommand, 2, { nextToken: 'page-2' });
    expect(built).toEqual([{ region: 'eu-west-1', useFipsEndpoint: false }]);
  });

  // Issue 10 item 8: a DescribeImages pass had no bound on tags or time.
  it('stops a listing over maxTags, and one past its deadline, with an UpstreamError naming the limit', async () => {
    ecrMock.on(DescribeImagesCommand).callsFake(async (input: { nextToken?: string }) => {
      const page = Number(input.nextToken ?? '0');
      // From page 3 on, each page takes 100 ms.
      if (page >= 3) await new Promise((resolve) => setTimeout(resolve, 100));
      return {
        imageDetails: [{ imageDigest: 'sha256:aaa', imageTags: [`${page}.0`, `${page}.1`] }],
        nextToken: String(page + 1),
      };
    });
    const limited = createEcrRegistryClient({
      ecrClientFor: ecrClientRecorder().ecrClientFor,
      oci: recordingOci().client,
      clock,
      maxTags: 5,
    });
    const tooMany = await limited.listTags(ecrRepo()).catch((e) => e);
    expect(tooMany).toMatchObject({ code: 'Upstream', data: { maxTags: 5 } });
    expect(tooMany.message).toContain('more than 5 tags');

    const slow = createEcrRegistryClient({
      ecrClientFor: ecrClientRecorder().ecrClientFor,
      oci: recordingOci().client,
      clock,
      listDeadlineMs: 300,
    });
    const late = await slow.listTags(ecrRepo()).catch((e) => e);
    expect(late).toMatchObject({ code: 'Upstream', retryable: true, data: { deadlineMs: 300 } });
    expect(late.message).toContain('did not finish within 300 ms');
  });

  it('answers digests of a fresh listing from the same pass, and HEADs once the listing is old', async () => {
    ecrMock.on(DescribeImagesCommand).resolves({
      imageDetails: [{ imageDigest: 'sha256:listed', imageTags: ['1.1.0'] }],
    });
    const oci = recordingOci('sha256:from-head');
    const ecr = createEcrRegistryClient({
      ecrClientFor: ecrClientRecorder().ecrClientFor,
      oci: oci.client,
      clock,
    });
    await ecr.listTags(ecrRepo());
    expect(await ecr.resolveDigest(ecrRepo(), '1.1.0')).toBe('sha256:listed');
    expect(ecrMock).not.toHaveReceivedCommand(GetAuthorizationTokenCommand);
    now += 31_000;
    expect(await ecr.resolveDigest(ecrRepo(), '1.1.0')).toBe('sha256:from-head');
  });

  it('HEADs on the ECR host with Basic credentials from the token and caches the token until expiry', async () => {
    const oci = recordingOci();
    const ecr = createEcrRegistryClient({
      ecrClientFor: ecrClientRecorder().ecrClientFor,
      oci: oci.client,
      clock,
    });
    await ecr.resolveDigest(ecrRepo(), '1.0.0');
    await ecr.resolveDigest(ecrRepo({ repository: 'team/api' }), '2.0.0');
    expect(ecrMock).toHaveReceivedCommandTimes(GetAuthorizationTokenCommand, 1);
    expect(oci.calls[0]).toEqual({
      method: 'resolveDigest',
      tag: '1.0.0',
      repo: {
        registry: HOST,
        repository: 'team/web',
        insecure: false,
        provider: 'generic',
        credentials: { kind: 'basic', username: 'AWS', password: 'secret-password' },
      },
    });
    // 12 h token, refreshed 15 min before it expires.
    now += 11 * 3600_000 + 44 * 60_000;
    await ecr.resolveDigest(ecrRepo(), '1.0.0');
    expect(ecrMock).toHaveReceivedCommandTimes(GetAuthorizationTokenCommand, 1);
    now += 2 * 60_000;
    await ecr.resolveDigest(ecrRepo(), '1.0.0');
    expect(ecrMock).toHaveReceivedCommandTimes(GetAuthorizationTokenCommand, 2);
  });

  it('fetches a fresh token once when the registry refuses a cached one', async () => {
    const oci = recordingOci();
    const ecr = createEcrRegistryClient({
      ecrClientFor: ecrClientRecorder().ecrClientFor,
      oci: oci.client,
      clock,
    });
    await ecr.resolveDigest(ecrRepo(), '1.0.0');
    oci.failOnce(new AuthError('refused'));
    await ecr.resolveDigest(ecrRepo(), '1.0.0');
    expect(ecrMock).toHaveReceivedCommandTimes(GetAuthorizationTokenCommand, 2);
  });

  it('assumes the repository role once, one ECR client per role and region, and renews before expiry', async () => {
    stsMock.on(AssumeRoleCommand).callsFake(async () => ({
      Credentials: {
        AccessKeyId: 'ASIAROLE',
        SecretAccessKey: 'role-secret',
        SessionToken: 'role-session',
        Expiration: new Date(now + 3600_000),
      },
    }));
    ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    const { ecrClientFor, built } = ecrClientRecorder();
    const ecr = createEcrRegistryClient({ ecrClientFor, oci: recordingOci().client, clock });
    await ecr.listTags(ecrRepo({ roleArn: ROLE }));
    await ecr.listTags(ecrRepo({ roleArn: ROLE, repository: 'team/api' }));
    await ecr.listTags(ecrRepo());
    expect(built.map((b) => [b.region, typeof b.credentials])).toEqual([
      ['eu-west-1', 'function'],
      ['eu-west-1', 'undefined'],
    ]);

    const credentials = built[0]?.credentials;
    expect(await credentials?.()).toMatchObject({ accessKeyId: 'ASIAROLE', sessionToken: 'role-session' });
    await credentials?.();
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: ROLE,
      RoleSessionName: 'image-automation',
    });
    now += 56 * 60_000;
    await credentials?.();
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('reports a refused role assumption as Auth and a malformed role ARN as InvalidConfig', async () => {
    stsMock.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'not authorized to perform sts:AssumeRole',
      }),
    );
    const { ecrClientFor, built } = ecrClientRecorder();
    const ecr = createEcrRegistryClient({ ecrClientFor, oci: recordingOci().client, clock });
    await ecr.listTags(ecrRepo({ roleArn: ROLE })).catch(() => undefined);
    await expect(built[0]?.credentials?.()).rejects.toMatchObject({ code: 'Auth' });
    await ecr.listTags(ecrRepo({ roleArn: 'tenant-a' })).catch(() => undefined);
    await expect(built[1]?.credentials?.()).rejects.toMatchObject({ code: 'InvalidConfig' });
  });

  it.each([
    ['RepositoryNotFoundException', 400, 'NotFound'],
    ['AccessDeniedException', 400, 'Auth'],
    ['ThrottlingException', 400, 'Upstream'],
    ['ServerException', 500, 'Upstream'],
    ['InvalidParameterException', 400, 'InvalidConfig'],
  ])('maps %s (HTTP %i) to %s, keeping the cause and naming the repository', async (name, status, code) => {
    const failure = awsFailure(name, status);
    ecrMock.on(DescribeImagesCommand).rejects(failure);
    const ecr = createEcrRegistryClient({
      ecrClientFor: ecrClientRecorder().ecrClientFor,
      oci: recordingOci().client,
      clock,
    });
    const error = await ecr.listTags(ecrRepo()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code, data: { awsError: name, registry: HOST, repository: 'team/web' } });
    expect((error as Error).message).toContain(`${HOST}/team/web`);
    expect((error as Error).cause).toBe(failure);
  });

  it('maps a failed GetAuthorizationToken and never shows the token', async () => {
    ecrMock.on(GetAuthorizationTokenCommand).rejects(awsFailure('AccessDeniedException', 400));
    const ecr = createEcrRegistryClient({
      ecrClientFor: ecrClientRecorder().ecrClientFor,
      oci: recordingOci().client,
      clock,
    });
    await expect(ecr.resolveDigest(ecrRepo(), '1.0.0')).rejects.toMatchObject({ code: 'Auth' });
    ecrMock
      .on(GetAuthorizationTokenCommand)
      .resolves({ authorizationData: [{ authorizationToken: 'bm9jb2xvbg==' }] });
    const error = await ecr.resolveDigest(ecrRepo(), '1.0.0').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'Upstream' });
    expect(JSON.stringify((error as AuthError).toJSON())).not.toContain('bm9jb2xvbg');
  });

  it.each([
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', 'us-gov-west-1', true],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'cn-north-1', false],
  ])('takes region and FIPS from %s', async (registry, region, fips) => {
    ecrMock.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    const { ecrClientFor, built } = ecrClientRecorder();
    await createEcrRegistryClient({ ecrClientFor, oci: recordingOci().client }).listTags(
      ecrRepo({ registry }),
    );
    expect(built).toEqual([{ region, useFipsEndpoint: fips }]);
  });

  it('refuses a host that is not ECR with a clear InvalidConfig error', async () => {
    const ecr = createEcrRegistryClient({
      ecrClientFor: ecrClientRecorder().ecrClientFor,
      oci: recordingOci().client,
    });
    for (const registry of ['ghcr.io', 'team.dkr.ecr.eu-west-1.amazonaws.com', `${HOST}.evil.example`]) {
      const error = await ecr.listTags(ecrRepo({ registry })).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'InvalidConfig' });
      expect((error as Error).message).toContain('provider "aws" needs an Amazon ECR image');
    }
    expect(ecrMock).not.toHaveReceivedCommand(DescribeImagesCommand);
  });

  it('sends public.ecr.aws to the OCI client', async () => {
    const oci = recordingOci();
    const ecr = createEcrRegistryClient({ oci: oci.client });
    const repo = ecrRepo({ registry: 'public.ecr.aws', repository: 'docker/library/alpine' });
    expect(await ecr.listTags(repo)).toEqual(['public-tag']);
    await ecr.resolveDigest(repo, '3.20');
    expect(oci.calls.map((c) => [c.method, c.repo.provider, c.repo.registry])).toEqual([
      ['listTags', 'generic', 'public.ecr.aws'],
      ['resolveDigest', 'generic', 'public.ecr.aws'],
    ]);
    expect(ecrMock).not.toHaveReceivedAnyCommand();
  });
});

describe('ECR registry client: data plane against an htpasswd registry', () => {
  let registry: RegistryServer;
  let single: string;
  let multi: string;
  let ecrMock: AwsClientStub<ECRClient>;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    single = await pushImage(registry, { repository: 'team/app', tag: '1.2.3' });
    multi = await pushImage(registry, { repository: 'team/app', tag: '2.0.0', mode: 'multi' });
    ecrMock = mockClient(ECRClient);
  });
  afterAll(async () => {
    ecrMock?.restore();
    await registry?.stop();
  });
  beforeEach(() => ecrMock.reset());

  // ECR serves the OCI API behind Basic auth with `AWS:<token>`; the registry's htpasswd user stands in.
  const client = (password = registry.password ?? '') => {
    ecrMock.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        {
          authorizationToken: token(registry.username ?? '', password),
          expiresAt: new Date(Date.now() + 3600_000),
        },
      ],
    });
    return createEcrRegistryClient({
      dataPlaneEndpoint: registry.url,
      ecrClientFor: (settings) =>
        new ECRClient({ region: settings.region, credentials: fakeAwsCredentials() }),
    });
  };
  const repo = ecrRepo({
    registry: `123456789012.dkr.ecr.${testRegion}.amazonaws.com`,
    repository: 'team/app',
  });

  it('resolves the digest skopeo pushed, for a single image and for an index', async () => {
    const ecr = client();
    expect(await ecr.resolveDigest(repo, '1.2.3')).toBe(single);
    expect(await ecr.resolveDigest(repo, '2.0.0')).toBe(multi);
    expect(ecrMock).toHaveReceivedCommandTimes(GetAuthorizationTokenCommand, 1);
  });

  it('reports refused credentials as Auth without the password', async () => {
    const error = await client('wrong-password')
      .resolveDigest(repo, '1.2.3')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(JSON.stringify((error as AuthError).toJSON())).not.toContain('wrong-password');
  });

  it('reports an unknown tag as NotFound', async () => {
    await expect(client().resolveDigest(repo, '9.9.9')).rejects.toMatchObject({ code: 'NotFound' });
  });
});
