import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AuthError } from '../../domain/errors.ts';
import type { SecretSource } from '../../ports/secret-source.ts';
import { awsErrorFacts, translateAwsError } from '../aws/aws-error.ts';
import { createExpiringCache } from '../aws/expiring-cache.ts';
import { parseSecretString } from './secret-string.ts';

/**
 * SecretSource on AWS Secrets Manager: the Flux `secretRef` `<namespace>/<name>` is the secret
 * `<prefix><namespace>/<name>` (the IAM policy grants `secretsmanager:GetSecretValue` on
 * `<prefix>*`). Its SecretString is a JSON object of string values, or plain text read as
 * `{ token }` (secret-string.ts).
 *
 * Values are cached per name for `ttlMs` (a warm Lambda container does not call the API per message;
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets.html recommends
 * caching), and a missing secret for the shorter `missingTtlMs`, so creating it takes effect soon.
 */
export const secretsManagerSecretSourceDefaults = Object.freeze({
  prefix: '',
  ttlMs: 5 * 60_000,
  missingTtlMs: 30_000,
});

export interface SecretsManagerSecretSourceOptions {
  /** Injected (tests, custom endpoint); a default client from the environment otherwise. */
  readonly client?: SecretsManagerClient;
  /** Prepended to `<namespace>/<name>`, e.g. `image-automation/`. */
  readonly prefix?: string;
  readonly ttlMs?: number;
  readonly missingTtlMs?: number;
  readonly clock?: () => number;
}

type SecretData = Readonly<Record<string, string>> | undefined;

export const createSecretsManagerSecretSource = (
  options: SecretsManagerSecretSourceOptions = {},
): SecretSource => {
  const settings = { ...secretsManagerSecretSourceDefaults, ...options };
  const clock = options.clock ?? Date.now;
  const client = options.client ?? new SecretsManagerClient({});
  const cache = createExpiringCache<SecretData>({ clock });

  // A deleted secret (ResourceNotFound) and one scheduled for deletion (InvalidRequest) are both absent.
  const isMissing = (error: unknown): boolean => {
    const { name, message } = awsErrorFacts(error);
    return (
      name === 'ResourceNotFoundException' ||
      (name === 'InvalidRequestException' && /deletion/i.test(message))
    );
  };

  async function fetchSecret(secretId: string) {
    try {
      const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      const text =
        response.SecretString ??
        (response.SecretBinary ? new TextDecoder('utf-8').decode(response.SecretBinary) : undefined);
      const data =
        text === undefined ? undefined : parseSecretString(text, `Secrets Manager secret ${secretId}`);
      return { value: data, expiresAt: clock() + (data ? settings.ttlMs : settings.missingTtlMs) };
    } catch (error) {
      if (isMissing(error)) return { value: undefined, expiresAt: clock() + settings.missingTtlMs };
      const context = { action: `Secrets Manager GetSecretValue of ${secretId}`, data: { secretId } };
      // The function's role cannot decrypt with the secret's KMS key.
      if (awsErrorFacts(error).name === 'DecryptionFailure') {
        throw new AuthError(`${context.action} failed: the secret cannot be decrypted`, {
          cause: error,
          data: context.data,
        });
      }
      throw translateAwsError(error, context);
    }
  }

  return {
    async getSecret(namespace: string, name: string) {
      const secretId = `${settings.prefix}${namespace}/${name}`;
      return (await cache.get(secretId, () => fetchSecret(secretId))).value;
    },
  };
};
