import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { main } from '../../lib/local/cli.ts';
import type { GitClient, GitWorkspace } from '../../lib/ports/git.ts';
import type { RegistryClient, RegistryRepository } from '../../lib/ports/registry.ts';
import { recordingIo } from '../helpers/cli-io.ts';
import { ECR_IMAGE, type EcrIdentity, ecrTenant, serviceAccount } from '../helpers/ecr-tenants.ts';
import { createHarness } from './lambda-harness.ts';

// Three tenants watch one ECR image. Each reads it with its own identity: team-a with the annotation
// shorthand, team-c with Flux's form (spec.serviceAccountName → ServiceAccount → eks.amazonaws.com/
// role-arn), team-b with none (the function's own role). The look-up by image once lent team-a's
// role to team-b and team-c, and refused two roles for one image as a configuration error.
const IMAGE = ECR_IMAGE;
const ROLE_A = 'arn:aws:iam::210987654321:role/team-a-ecr-read';
const ROLE_C = 'arn:aws:iam::210987654322:role/team-c-ecr-read';
const tenant = (namespace: string, identity?: EcrIdentity) => ecrTenant(namespace, identity);

const fleet = (...docs: string[]) => docs.join('\n---\n');
const threeTenants = fleet(
  tenant('team-a', { annotation: ROLE_A }),
  tenant('team-b'),
  tenant('team-c', { serviceAccountName: 'ecr-reader' }),
  serviceAccount('team-c', 'ecr-reader', ROLE_C),
);
const ALLOWED = `${ROLE_A}, ${ROLE_C}`;

const recordingRegistry = () => {
  const calls: RegistryRepository[] = [];
  const registry: RegistryClient = {
    listTags: async (repo) => {
      calls.push(repo);
      return ['1.0.0'];
    },
    resolveDigest: async (repo) => {
      calls.push(repo);
      return `sha256:${'b'.repeat(64)}`;
    },
  };
  return { registry, calls };
};

const emptyGit: GitClient = {
  remoteHead: async () => null,
  checkout: async ({ branch }) =>
    ({
      baseCommit: 'c'.repeat(40),
      baseBranch: branch,
      pushBranch: branch,
      listFiles: async () => [],
      readFile: async () => new Uint8Array(),
      writeFile: async () => {},
      commit: async () => null,
      push: async () => {},
      equivalentRemoteCommit: async () => null,
      dispose: async () => {},
    }) satisfies GitWorkspace,
};

const run = (automation: string) => ({
  automation,
  repositories: [IMAGE],
  reason: 'event' as const,
  deliveryIds: [`d-${automation}`],
  triggeredAt: '2026-11-21T10:00:00.000Z',
});

describe('ECR identities: one ImageRepository, one role (Lambda runtime)', () => {
  it("reads each tenant's image with that ImageRepository's own role, never another tenant's", async () => {
    const { registry, calls } = recordingRegistry();
    const h = createHarness({
      config: threeTenants,
      registry,
      git: emptyGit,
      env: { IMAGE_AUTOMATION_ECR_ROLE_ARNS: ALLOWED },
    });
    const rolesOf = async (automation: string) => {
      calls.length = 0;
      await h.runtime.reconcile(run(automation));
      expect(calls.length).toBeGreaterThan(0);
      return [...new Set(calls.map((c) => c.roleArn ?? 'execution role'))];
    };
    expect(await rolesOf('team-a/fleet')).toEqual([ROLE_A]);
    expect(await rolesOf('team-b/fleet')).toEqual(['execution role']);
    expect(await rolesOf('team-c/fleet')).toEqual([ROLE_C]);
  });

  it.each([
    [
      'a role the deployment may not assume',
      threeTenants,
      ROLE_A,
      /fleet\.yaml: document \d+ \(ImageRepository team-c\/web\): spec\.serviceAccountName: role arn:aws:iam::210987654322:role\/team-c-ecr-read is not among the roles this deployment may assume/,
    ],
    [
      'no ecrRoleArns at all',
      fleet(tenant('team-a', { annotation: ROLE_A })),
      '',
      /document \d+ \(ImageRepository team-a\/web\): metadata\.annotations\.image-automation\.io\/aws-role-arn: role arn:aws:iam::210987654321:role\/team-a-ecr-read is not among the roles this deployment may assume \(ecrRoleArns is empty\)/,
    ],
    [
      'a missing ServiceAccount',
      fleet(tenant('team-c', { serviceAccountName: 'ecr-reader' })),
      ALLOWED,
      /document \d+ \(ImageRepository team-c\/web\): spec\.serviceAccountName: ServiceAccount team-c\/ecr-reader not found/,
    ],
    [
      "another namespace's ServiceAccount",
      fleet(
        tenant('team-c', { serviceAccountName: 'ecr-reader' }),
        serviceAccount('team-a', 'ecr-reader', ROLE_A),
      ),
      ALLOWED,
      /\(ImageRepository team-c\/web\): spec\.serviceAccountName: ServiceAccount team-c\/ecr-reader not found/,
    ],
    [
      'a ServiceAccount without a role',
      fleet(tenant('team-c', { serviceAccountName: 'ecr-reader' }), serviceAccount('team-c', 'ecr-reader')),
      ALLOWED,
      /\(ImageRepository team-c\/web\): spec\.serviceAccountName: ServiceAccount team-c\/ecr-reader has no annotation eks\.amazonaws\.com\/role-arn/,
    ],
  ])(
    'refuses the configuration with %s, naming the file, document, object and field',
    async (_, config, allowed, message) => {
      const { registry, calls } = recordingRegistry();
      const h = createHarness({
        config,
        registry,
        git: emptyGit,
        env: { IMAGE_AUTOMATION_ECR_ROLE_ARNS: allowed },
      });
      await expect(h.runtime.configuration()).rejects.toMatchObject({
        code: 'InvalidConfig',
        message: expect.stringMatching(message),
      });
      expect(calls).toEqual([]);
    },
  );

  it('validate reports a missing ServiceAccount the same way', async () => {
    const work = await scratchDir('ia-ecr-identity-');
    try {
      const path = join(work.path, 'fleet.yaml');
      await writeFile(path, fleet(tenant('team-c', { serviceAccountName: 'ecr-reader' })));
      const io = recordingIo();
      expect(await main(['validate', '--config', path], io.io)).toBe(2);
      expect(io.stderr()).toMatch(
        /fleet\.yaml: document 3 \(ImageRepository team-c\/web\): spec\.serviceAccountName: ServiceAccount team-c\/ecr-reader not found/,
      );
    } finally {
      await work.remove();
    }
  });
});
