import { createServer, type Server } from 'node:http';
import { freePort } from '../../infra/peers/free-port.ts';

/**
 * ECR's `DescribeImages` (JSON 1.1) and STS's `AssumeRole` (query protocol, XML) on one free
 * 127.0.0.1 port, for bundled functions reached through `AWS_ENDPOINT_URL_ECR` and
 * `AWS_ENDPOINT_URL_STS`. Each role gets its own access key id (`ASIA` + the role's name), and every
 * DescribeImages is recorded with the access key id it was signed with (SigV4 `Credential=`), so a
 * test sees which identity read which repository. Images: repository name → tag → digest.
 */
export interface FakeEcrSts {
  readonly endpoint: string;
  readonly assumedRoles: string[];
  readonly describeImages: Array<{ readonly repositoryName: string; readonly accessKeyId: string }>;
  /** The access key id STS hands out for `roleArn`. */
  accessKeyFor(roleArn: string): string;
  stop(): Promise<void>;
}

const accessKeyFor = (roleArn: string) =>
  `ASIA${(roleArn.split('/').pop() ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '')}`;

export const startFakeEcrSts = async (
  images: Readonly<Record<string, Readonly<Record<string, string>>>>,
): Promise<FakeEcrSts> => {
  const assumedRoles: string[] = [];
  const describeImages: Array<{ repositoryName: string; accessKeyId: string }> = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const accessKeyId = /Credential=([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const target = request.headers['x-amz-target'];
      if (target === 'AmazonEC2ContainerRegistry_V20150921.DescribeImages') {
        const { repositoryName, registryId } = JSON.parse(body) as {
          repositoryName: string;
          registryId: string;
        };
        describeImages.push({ repositoryName, accessKeyId });
        const tags = images[repositoryName] ?? {};
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({
            imageDetails: Object.entries(tags).map(([tag, digest]) => ({
              registryId,
              repositoryName,
              imageDigest: digest,
              imageTags: [tag],
            })),
          }),
        );
        return;
      }
      const form = new URLSearchParams(body);
      if (form.get('Action') === 'AssumeRole') {
        const roleArn = form.get('RoleArn') ?? '';
        assumedRoles.push(roleArn);
        const expiration = new Date(Date.now() + 3600_000).toISOString();
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${accessKeyFor(roleArn)}</AccessKeyId>
      <SecretAccessKey>fake-secret</SecretAccessKey>
      <SessionToken>fake-session</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
    <AssumedRoleUser><Arn>${roleArn}/image-automation</Arn><AssumedRoleId>AROAFAKE:image-automation</AssumedRoleId></AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata>
</AssumeRoleResponse>`);
        return;
      }
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          __type: 'UnknownOperationException',
          message: `${target ?? form.get('Action')} is not faked`,
        }),
      );
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    assumedRoles,
    describeImages,
    accessKeyFor,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
