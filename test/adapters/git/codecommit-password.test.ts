import { afterEach, describe, expect, it } from 'vitest';
import { createCodeCommitAuth } from '../../../lib/adapters/git/codecommit-auth.ts';
import {
  codeCommitGitCredentials,
  parseCodeCommitUrl,
} from '../../../lib/adapters/git/codecommit-password.ts';
import { parseManifests } from '../../../lib/domain/flux/parse-manifests.ts';

/**
 * Known answers computed with botocore's SigV4Auth (what AWS's git-remote-codecommit signs with),
 * Debian python3-botocore 1.29:
 *
 *   req = AWSRequest(); req.method = 'GIT'; req.url = url; req.context['timestamp'] = ts
 *   signer = SigV4Auth(Credentials(ak, sk, token), 'codecommit', region)
 *   canonical = f"GIT\n{path}\n\nhost:{host}\n\nhost\n"
 *   password = f"{ts}Z{signer.signature(signer.string_to_sign(req, canonical), req)}"
 */
const KNOWN = [
  {
    url: 'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/MyDemoRepo',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    now: '2015-08-30T12:36:00Z',
    username: 'AKIDEXAMPLE',
    password: '20150830T123600Z088fec8c788f892e6cb940f22a736b224a5a5de18925fa5f02413a1bb215c389',
  },
  {
    url: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/fleet',
    credentials: {
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
      sessionToken: 'AQoDYXdzEJr...token',
    },
    now: '2026-12-03T21:15:00.123Z',
    username: 'ASIAEXAMPLE%AQoDYXdzEJr...token',
    password: '20261203T211500Z2e8325f9d0f3476308130bde99ac8eba7235ba65615d1a56eb41b2ee8d58c130',
  },
] as const;

describe('CodeCommit Git credentials from IAM (git-remote-codecommit)', () => {
  it.each(KNOWN)('matches botocore for $url at $now', ({ url, credentials, now, username, password }) => {
    const target = parseCodeCommitUrl(url);
    if (!target) throw new Error('not parsed');
    expect(codeCommitGitCredentials(credentials, target, new Date(now))).toEqual({ username, password });
  });

  it('changes with the secret, the repository and the time', () => {
    const [first] = KNOWN;
    const target = parseCodeCommitUrl(first.url);
    if (!target) throw new Error('not parsed');
    const base = codeCommitGitCredentials(first.credentials, target, new Date(first.now)).password;
    const other = { ...first.credentials, secretAccessKey: `${first.credentials.secretAccessKey}x` };
    expect(codeCommitGitCredentials(other, target, new Date(first.now)).password).not.toBe(base);
    expect(
      codeCommitGitCredentials(first.credentials, { ...target, path: '/v1/repos/Other' }, new Date(first.now))
        .password,
    ).not.toBe(base);
    expect(
      codeCommitGitCredentials(first.credentials, target, new Date('2015-08-30T12:36:01Z')).password,
    ).not.toBe(base);
  });

  it.each([
    [
      'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/fleet',
      { region: 'eu-west-1', path: '/v1/repos/fleet' },
    ],
    [
      'https://git-codecommit-fips.us-east-1.amazonaws.com/v1/repos/a/',
      { region: 'us-east-1', path: '/v1/repos/a' },
    ],
    ['https://github.com/acme/fleet', undefined],
    ['ssh://git-codecommit.eu-west-1.amazonaws.com/v1/repos/fleet', undefined],
  ])('reads %s', (url, expected) => {
    const parsed = parseCodeCommitUrl(url);
    if (expected === undefined) expect(parsed).toBeUndefined();
    else expect(parsed).toMatchObject(expected);
  });
});

describe('createCodeCommitAuth (the AWS SDK default credential chain)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('signs with the credentials the SDK resolves from the environment', async () => {
    const [, known] = KNOWN;
    process.env.AWS_ACCESS_KEY_ID = known.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = known.credentials.secretAccessKey;
    process.env.AWS_SESSION_TOKEN = known.credentials.sessionToken;
    process.env.AWS_REGION = 'eu-west-1';
    const auth = createCodeCommitAuth({ clock: { now: () => new Date(known.now) } });
    expect(await auth.gitCredentials(known.url)).toEqual({
      username: known.username,
      password: known.password,
    });
    await expect(auth.gitCredentials('https://github.com/acme/fleet')).rejects.toThrow(
      /not a CodeCommit HTTPS URL/,
    );
  });
});

describe('GitRepository provider aws', () => {
  const repo = (url: string) =>
    parseManifests([
      {
        path: 'g.yaml',
        text: `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: fleet, namespace: apps}\nspec:\n  interval: 1m\n  provider: aws\n  url: ${url}\n  ref: {branch: main}\n`,
      },
    ]);

  it('accepts a CodeCommit HTTPS URL and refuses any other, as Flux checks provider and host', () => {
    expect(repo('https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/fleet').errors).toEqual([]);
    const refused = repo('https://github.com/acme/fleet').errors.map((e) => e.format());
    expect(refused).toEqual([
      'g.yaml: document 1 (GitRepository apps/fleet): spec.url: provider aws needs a CodeCommit HTTPS URL (https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>), got "https://github.com/acme/fleet"',
    ]);
  });
});
