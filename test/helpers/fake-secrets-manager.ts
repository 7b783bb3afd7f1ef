import { createServer, type Server } from 'node:http';
import { freePort } from '../../infra/peers/free-port.ts';

/**
 * AWS Secrets Manager's GetSecretValue, and nothing else, on a free 127.0.0.1 port: there is no
 * emulator on npm or apt (shared/reference/real-components.md §6). It speaks the JSON 1.1 protocol
 * the SDK v3 client uses (`X-Amz-Target: secretsmanager.GetSecretValue`), so a bundled function reaches
 * it through `AWS_ENDPOINT_URL_SECRETS_MANAGER`. Requests are recorded by secret id (never values).
 */
export interface FakeSecretsManager {
  readonly endpoint: string;
  readonly requested: string[];
  stop(): Promise<void>;
}

export const startFakeSecretsManager = async (
  secrets: Readonly<Record<string, string>>,
): Promise<FakeSecretsManager> => {
  const requested: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      const answer = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(body));
      };
      if (target !== 'secretsmanager.GetSecretValue') {
        return answer(400, { __type: 'UnknownOperationException', message: `${target} is not faked` });
      }
      const { SecretId } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { SecretId: string };
      requested.push(SecretId);
      const value = secrets[SecretId];
      if (value === undefined) {
        return answer(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      }
      return answer(200, {
        ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${SecretId}-AbCdEf`,
        Name: SecretId,
        SecretString: value,
        VersionId: '00000000-0000-0000-0000-000000000001',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1795250000,
      });
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requested,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
