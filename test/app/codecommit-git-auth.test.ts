import { describe, expect, it } from 'vitest';
import { createCodeCommitAuth } from '../../lib/adapters/git/codecommit-auth.ts';
import { createConfigSecretSource } from '../../lib/adapters/secrets/config-secret-source.ts';
import { resolveGitAuth } from '../../lib/app/git-auth.ts';
import { InvalidConfigError } from '../../lib/domain/errors.ts';
import { parseManifests } from '../../lib/domain/flux/parse-manifests.ts';

/** `provider: aws`: Git credentials come from the runtime's AWS identity, fresh for each operation. */
const load = parseManifests([
  {
    path: 'g.yaml',
    text: `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fleet, namespace: apps}
spec:
  interval: 1m
  provider: aws
  url: https://git-codecommit.us-east-1.amazonaws.com/v1/repos/MyDemoRepo
  ref: {branch: main}
`,
  },
]);
const [repository] = load.config.gitRepositories;

describe('resolveGitAuth with provider aws', () => {
  it('derives CodeCommit credentials from the AWS credentials, anew for every call', async () => {
    if (!repository) throw new Error(load.errors.map((e) => e.format()).join('\n'));
    let now = new Date('2015-08-30T12:36:00Z');
    const codeCommit = createCodeCommitAuth({
      clock: { now: () => now },
      credentials: async () => ({
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      }),
    });
    const auth = await resolveGitAuth(
      { secrets: createConfigSecretSource({ secrets: [] }), codeCommit },
      repository,
    );
    expect(auth.renewable).toBe(true);
    expect(await auth.credentials()).toEqual({
      kind: 'basic',
      username: 'AKIDEXAMPLE',
      password: '20150830T123600Z088fec8c788f892e6cb940f22a736b224a5a5de18925fa5f02413a1bb215c389',
    });
    now = new Date('2015-08-30T12:50:00Z');
    expect((await auth.credentials()) as { password: string }).toMatchObject({
      password: expect.stringMatching(/^20150830T125000Z[0-9a-f]{64}$/),
    });
  });

  it('says so where CodeCommit is not available', async () => {
    if (!repository) throw new Error('not loaded');
    await expect(
      resolveGitAuth({ secrets: createConfigSecretSource({ secrets: [] }) }, repository),
    ).rejects.toThrow(InvalidConfigError);
  });
});
