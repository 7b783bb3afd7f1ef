import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { InvalidConfigError, UpstreamError } from '../../domain/errors.ts';
import { translateAwsError } from './aws-error.ts';
import { createExpiringCache } from './expiring-cache.ts';

/**
 * Temporary credentials for an IAM role, assumed with STS and cached until shortly before they expire:
 * the Lambda counterpart of Flux's object-level workload identity, where one ImageRepository reads ECR
 * as its own tenant's role (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
 * The role's trust policy must allow the function's execution role.
 */
export const assumedRoleDefaults = Object.freeze({
  sessionName: 'image-automation',
  durationSeconds: 3600,
  /** Credentials are renewed this long before they expire, so no call runs on a dying session. */
  refreshMarginMs: 5 * 60_000,
});

/** Structurally what the SDK clients accept as `credentials`. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface AssumedRoleCredentialsOptions {
  /** One STS client per region (regional endpoints); injected in tests. */
  readonly stsClientFor?: (region: string) => STSClient;
  readonly clock?: () => number;
  readonly sessionName?: string;
  readonly durationSeconds?: number;
  readonly refreshMarginMs?: number;
}

export type RoleCredentialsProvider = (roleArn: string, region: string) => Promise<TemporaryCredentials>;

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export const createAssumedRoleCredentials = (
  options: AssumedRoleCredentialsOptions = {},
): RoleCredentialsProvider => {
  const settings = { ...assumedRoleDefaults, ...options };
  const clock = options.clock ?? Date.now;
  const stsClients = new Map<string, STSClient>();
  const cache = createExpiringCache<TemporaryCredentials>({ clock });

  function stsClient(region: string): STSClient {
    let client = stsClients.get(region);
    if (!client) {
      client = options.stsClientFor?.(region) ?? new STSClient({ region });
      stsClients.set(region, client);
    }
    return client;
  }

  async function assumeRole(roleArn: string, region: string) {
    const response = await stsClient(region)
      .send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: settings.sessionName,
          DurationSeconds: settings.durationSeconds,
        }),
      )
      .catch((error: unknown) => {
        throw translateAwsError(error, { action: `STS AssumeRole of ${roleArn}`, data: { roleArn } });
      });
    const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = response.Credentials ?? {};
    if (!AccessKeyId || !SecretAccessKey || !SessionToken || !Expiration) {
      throw new UpstreamError(`STS AssumeRole of ${roleArn} returned no credentials`, { data: { roleArn } });
    }
    const credentials: TemporaryCredentials = {
      accessKeyId: AccessKeyId,
      secretAccessKey: SecretAccessKey,
      sessionToken: SessionToken,
      expiration: Expiration,
    };
    return { value: credentials, expiresAt: Expiration.getTime() - settings.refreshMarginMs };
  }

  return async function roleCredentials(roleArn: string, region: string): Promise<TemporaryCredentials> {
    if (!ROLE_ARN.test(roleArn)) {
      throw new InvalidConfigError(
        `"${roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
        {
          data: { roleArn },
        },
      );
    }
    // Role credentials are global; the region only picks the STS endpoint.
    return (await cache.get(roleArn, () => assumeRole(roleArn, region))).value;
  };
};
