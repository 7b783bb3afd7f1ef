import 'aws-sdk-client-mock-vitest/extend';
import {
  GetSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSecretsManagerSecretSource } from '../../../lib/adapters/secrets/secrets-manager-secret-source.ts';
import { fakeAwsCredentials, testRegion } from '../../helpers/fake-aws.ts';

const failure = (name: string, status: number, message = `${name} happened`) =>
  new SecretsManagerServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });

describe('Secrets Manager secret source', () => {
  let smMock: AwsClientStub<SecretsManagerClient>;
  let now = 0;
  const source = (prefix = 'image-automation/') =>
    createSecretsManagerSecretSource({
      client: new SecretsManagerClient({ region: testRegion, credentials: fakeAwsCredentials() }),
      prefix,
      clock: () => now,
    });

  beforeAll(() => {
    smMock = mockClient(SecretsManagerClient);
  });
  afterAll(() => smMock.restore());
  beforeEach(() => {
    smMock.reset();
    now = Date.UTC(2026, 10, 21);
  });

  it('reads <prefix><namespace>/<name> as a JSON object of strings', async () => {
    smMock
      .on(GetSecretValueCommand, { SecretId: 'image-automation/flux-system/ghcr-auth' })
      .resolves({ SecretString: JSON.stringify({ username: 'bot', password: 'p@ss' }) });
    expect(await source().getSecret('flux-system', 'ghcr-auth')).toEqual({
      username: 'bot',
      password: 'p@ss',
    });
    expect(smMock).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: 'image-automation/flux-system/ghcr-auth',
    });
  });

  it('reads a plain string as { token }, and SecretBinary as text', async () => {
    smMock.on(GetSecretValueCommand, { SecretId: 'ns/plain' }).resolves({ SecretString: 'ghp_abc' });
    smMock
      .on(GetSecretValueCommand, { SecretId: 'ns/binary' })
      .resolves({ SecretBinary: new TextEncoder().encode('{"token":"t"}') });
    const secrets = source('');
    expect(await secrets.getSecret('ns', 'plain')).toEqual({ token: 'ghp_abc' });
    expect(await secrets.getSecret('ns', 'binary')).toEqual({ token: 't' });
  });

  it('caches a value for the TTL, then reads it again', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: '{"token":"v1"}' });
    const secrets = source();
    await Promise.all([secrets.getSecret('a', 'b'), secrets.getSecret('a', 'b')]);
    now += 4 * 60_000;
    expect(await secrets.getSecret('a', 'b')).toEqual({ token: 'v1' });
    expect(smMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    smMock.on(GetSecretValueCommand).resolves({ SecretString: '{"token":"v2"}' });
    now += 61_000;
    expect(await secrets.getSecret('a', 'b')).toEqual({ token: 'v2' });
    expect(smMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('answers undefined for a missing secret and remembers that for a shorter time', async () => {
    smMock.on(GetSecretValueCommand).rejects(failure('ResourceNotFoundException', 400));
    const secrets = source();
    expect(await secrets.getSecret('a', 'missing')).toBeUndefined();
    now += 20_000;
    expect(await secrets.getSecret('a', 'missing')).toBeUndefined();
    expect(smMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    now += 11_000;
    smMock.on(GetSecretValueCommand).resolves({ SecretString: 'now-here' });
    expect(await secrets.getSecret('a', 'missing')).toEqual({ token: 'now-here' });
  });

  it('treats a secret scheduled for deletion as missing', async () => {
    smMock
      .on(GetSecretValueCommand)
      .rejects(
        failure(
          'InvalidRequestException',
          400,
          "You can't perform this operation on the secret because it was marked for deletion.",
        ),
      );
    expect(await source().getSecret('a', 'b')).toBeUndefined();
  });

  it.each([
    ['AccessDeniedException', 400, 'Auth'],
    ['DecryptionFailure', 400, 'Auth'],
    ['ThrottlingException', 400, 'Upstream'],
    ['InternalServiceError', 500, 'Upstream'],
  ])('maps %s (HTTP %i) to %s and does not cache the failure', async (name, status, code) => {
    const cause = failure(name, status);
    smMock.on(GetSecretValueCommand).rejectsOnce(cause).resolves({ SecretString: 'ok' });
    const secrets = source();
    const error = await secrets.getSecret('a', 'b').catch((e: unknown) => e);
    expect(error).toMatchObject({ code, data: { secretId: 'image-automation/a/b' } });
    expect((error as Error).cause).toBe(cause);
    expect(await secrets.getSecret('a', 'b')).toEqual({ token: 'ok' });
  });

  it('refuses JSON that is not an object of strings, naming keys but not values', async () => {
    smMock
      .on(GetSecretValueCommand)
      .resolves({ SecretString: '{"username":"bot","port":5000,"password":"hunter2"}' });
    const error = await source()
      .getSecret('a', 'b')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidConfig' });
    expect((error as Error).message).toContain('port');
    expect((error as Error).message).not.toContain('hunter2');
    smMock.on(GetSecretValueCommand).resolves({ SecretString: '{"username": "bot", oops' });
    await expect(source().getSecret('a', 'c')).rejects.toMatchObject({ code: 'InvalidConfig' });
  });
});
