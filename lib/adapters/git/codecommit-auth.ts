import { STSClient } from '@aws-sdk/client-sts';
import { AuthError, InvalidConfigError } from '../../domain/errors.ts';
import type { Clock } from '../../ports/clock.ts';
import { systemClock } from '../../ports/clock.ts';
import type { CodeCommitAuth } from '../../ports/codecommit-auth.ts';
import { type AwsCredentials, codeCommitGitCredentials, parseCodeCommitUrl } from './codecommit-password.ts';

/**
 * CodeCommitAuth from the AWS SDK's default credential chain (environment, the Lambda role, a
 * profile), resolved by an SDK client's own configuration so nothing else is imported; the SDK
 * caches and refreshes temporary credentials itself.
 */
export const createCodeCommitAuth = (
  options: { readonly clock?: Clock; readonly credentials?: () => Promise<AwsCredentials> } = {},
): CodeCommitAuth => {
  const clock = options.clock ?? systemClock;
  let client: STSClient | undefined;
  const credentials =
    options.credentials ??
    (() => {
      client ??= new STSClient({});
      return client.config.credentials();
    });
  return {
    gitCredentials: async (url) => {
      const target = parseCodeCommitUrl(url);
      if (!target)
        throw new InvalidConfigError(
          `${url} is not a CodeCommit HTTPS URL (https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>)`,
        );
      const aws = await credentials().catch((error: unknown) => {
        throw new AuthError(`CodeCommit ${target.host}: no AWS credentials for provider aws`, {
          cause: error,
          data: { reason: 'no AWS credentials' },
        });
      });
      return codeCommitGitCredentials(aws, target, clock.now());
    },
  };
};
