import { createHash, createHmac } from 'node:crypto';

/**
 * CodeCommit's Git credentials from IAM credentials, as AWS's own `git-remote-codecommit` derives
 * them (and the AWS CLI's credential helper): a SigV4 signature over the pseudo-request
 * `GIT /v1/repos/<repository>` for host `git-codecommit.<region>.amazonaws.com`, service
 * `codecommit`. The password is `<yyyymmddThhmmss>Z<hex signature>` (the string to sign carries the
 * timestamp without the `Z`, as git-remote-codecommit sets it); the username is the access key id,
 * followed by `%<session token>` for temporary credentials. Valid for about 15 minutes.
 */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface CodeCommitTarget {
  /** `git-codecommit.<region>.amazonaws.com` (or `git-codecommit-fips.…`). */
  readonly host: string;
  /** `/v1/repos/<repository>`. */
  readonly path: string;
  readonly region: string;
}

const hmac = (key: Buffer | string, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** `YYYYMMDDTHHMMSS` in UTC, without the `Z`. */
const timestampOf = (now: Date): string =>
  now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, '');

export const codeCommitGitCredentials = (
  credentials: AwsCredentials,
  target: CodeCommitTarget,
  now: Date,
): { readonly username: string; readonly password: string } => {
  const timestamp = timestampOf(now);
  const date = timestamp.slice(0, 8);
  const canonicalRequest = `GIT\n${target.path}\n\nhost:${target.host}\n\nhost\n`;
  const scope = `${date}/${target.region}/codecommit/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    timestamp,
    scope,
    createHash('sha256').update(canonicalRequest, 'utf8').digest('hex'),
  ].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, date);
  for (const part of [target.region, 'codecommit', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return {
    username: credentials.sessionToken
      ? `${credentials.accessKeyId}%${credentials.sessionToken}`
      : credentials.accessKeyId,
    password: `${timestamp}Z${signature}`,
  };
};

// https://docs.aws.amazon.com/codecommit/latest/userguide/regions.html#regions-git
const CODECOMMIT_URL =
  /^https:\/\/(git-codecommit(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?)(\/v1\/repos\/[^/]+?)\/*$/;

/** The CodeCommit host, region and path of an HTTPS clone URL, or undefined when it is not one. */
export const parseCodeCommitUrl = (url: string): CodeCommitTarget | undefined => {
  const match = CODECOMMIT_URL.exec(url);
  if (!match) return undefined;
  const [, host = '', region = '', path = ''] = match;
  return { host, region, path };
};
