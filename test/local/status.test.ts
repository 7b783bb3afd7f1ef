import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { createFileStateStore } from '../../lib/adapters/state/file-state-store.ts';
import { main } from '../../lib/local/cli.ts';
import { recordingIo } from '../helpers/cli-io.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';

const NOW = new Date('2026-11-21T10:00:00Z');
const DIGEST_A = `sha256:${'a1'.repeat(32)}`;
const DIGEST_B = `sha256:${'b2'.repeat(32)}`;
const COMMIT = '4f2c1e9d8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e';

/** What `serve` would have recorded after a push, a failed policy and a failed automation. */
const seed = async (dir: string) => {
  const state = createFileStateStore({ dir: join(dir, 'state') });
  await state.write(
    'automation',
    'apps/fleet',
    {
      lastRunTime: '2026-11-21T09:57:00.000Z',
      lastPushCommit: COMMIT,
      lastPushTime: '2026-11-21T09:57:00.000Z',
      lastPushBranch: 'main',
      observedPolicies: { web: { name: 'ghcr.io/acme/web', tag: '1.4.2', digest: DIGEST_B } },
      observedSourceRevision: `main@sha1:${COMMIT}`,
    },
    0,
  );
  await state.write(
    'automation',
    'ops/tools',
    {
      lastRunTime: '2026-11-21T07:00:00.000Z',
      lastError: { code: 'Auth', message: 'git push: 403\nrefused', at: '2026-11-21T07:00:00.000Z' },
    },
    0,
  );
  await state.write(
    'policy',
    'apps/web',
    {
      latestRef: { name: 'ghcr.io/acme/web', tag: '1.4.2', digest: DIGEST_B },
      observedPreviousRef: { name: 'ghcr.io/acme/web', tag: '1.4.1', digest: DIGEST_A },
      lastEvaluationTime: '2026-11-21T09:56:59.000Z',
    },
    0,
  );
  await state.write(
    'policy',
    'apps/api',
    {
      lastError: {
        code: 'NotFound',
        message: 'ImagePolicy apps/api: no tag selected: no tag satisfies semver range ">=5.0.0"',
        at: '2026-11-20T10:00:00.000Z',
      },
    },
    0,
  );
  await state.write(
    'repository',
    'ghcr.io/acme/web',
    { canonicalName: 'ghcr.io/acme/web', lastScanTime: '2026-11-21T09:59:15.000Z', tagCount: 42 },
    0,
  );
};

let work: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  work = await scratchDir('ia-status-');
  await seed(join(work.path, 'seeded'));
});
afterAll(() => work.remove());

const at = (now: Date) => {
  const run = recordingIo();
  return { ...run, io: { ...run.io, now: () => now } };
};

describe('image-automation status', () => {
  it('prints sorted tables with ages relative to the clock (golden)', async () => {
    const run = at(NOW);
    expect(await main(['status', '--state', join(work.path, 'seeded')], run.io)).toBe(0);
    expect(run.stdout()).toBe(
      `AUTOMATION  LAST RUN  LAST PUSH  BRANCH  PUSHED                         LAST ERROR
apps/fleet  3m ago    4f2c1e9    main    2026-11-21T09:57:00Z (3m ago)  -
ops/tools   3h ago    -          -       -                              Auth 3h ago: git push: 403 refused

POLICY    IMAGE             LATEST                     PREVIOUS                   EVALUATED  LAST ERROR
apps/api  -                 -                          -                          -          NotFound 1d ago: ImagePolicy apps/api: no tag selected: no tag satisfies semver range ">=5.0.0"
apps/web  ghcr.io/acme/web  1.4.2@sha256:b2b2b2b2b2b2  1.4.1@sha256:a1a1a1a1a1a1  3m ago     -

REPOSITORY        LAST SCAN  TAGS  LAST ERROR
ghcr.io/acme/web  45s ago    42    -
`,
    );
  });

  it('prints the same report as JSON, with exact times and ages in seconds', async () => {
    const run = at(NOW);
    expect(await main(['status', '--state', join(work.path, 'seeded'), '--json'], run.io)).toBe(0);
    const report = JSON.parse(run.stdout());
    expect(report).toMatchObject({ version: 1, generatedAt: '2026-11-21T10:00:00.000Z' });
    expect(report.automations).toEqual([
      {
        automation: 'apps/fleet',
        recorded: true,
        lastRunTime: '2026-11-21T09:57:00.000Z',
        lastRunAgeSeconds: 180,
        lastPushCommit: COMMIT,
        lastPushTime: '2026-11-21T09:57:00.000Z',
        lastPushAgeSeconds: 180,
        lastPushBranch: 'main',
        observedSourceRevision: `main@sha1:${COMMIT}`,
        policies: ['apps/web'],
        warnings: 0,
      },
      {
        automation: 'ops/tools',
        recorded: true,
        lastRunTime: '2026-11-21T07:00:00.000Z',
        lastRunAgeSeconds: 10_800,
        policies: [],
        warnings: 0,
        lastError: {
          code: 'Auth',
          message: 'git push: 403\nrefused',
          at: '2026-11-21T07:00:00.000Z',
          ageSeconds: 10_800,
        },
      },
    ]);
    expect(report.policies.map((p: { policy: string }) => p.policy)).toEqual(['apps/api', 'apps/web']);
    expect(report.repositories).toEqual([
      {
        repository: 'ghcr.io/acme/web',
        recorded: true,
        lastScanTime: '2026-11-21T09:59:15.000Z',
        lastScanAgeSeconds: 45,
        tagCount: 42,
      },
    ]);
  });

  it('lists what never ran with --config, and changes nothing in the state directory', async () => {
    const config = join(work.path, 'fleet.yaml');
    await writeFile(
      config,
      fleetManifests({
        gitUrl: 'http://127.0.0.1:1/fleet.git',
        policies: [
          { name: 'web', image: 'ghcr.io/acme/web' },
          { name: 'worker', image: 'ghcr.io/acme/worker' },
        ],
      }),
    );
    const state = join(work.path, 'seeded');
    const before = await readdir(join(state, 'state'), { recursive: true });
    const run = at(NOW);
    expect(await main(['status', '--state', state, '--config', config], run.io)).toBe(0);
    expect(run.stdout()).toMatch(/^apps\/worker {2}- +- +- +never +-$/m);
    expect(run.stdout()).toMatch(/^ghcr\.io\/acme\/worker {2}never +- +-$/m);
    expect(await readdir(join(state, 'state'), { recursive: true })).toEqual(before);
  });

  it('exits 3 without a state directory, and lists the configuration with --config', async () => {
    const missing = join(work.path, 'nothing-here');
    const run = at(NOW);
    expect(await main(['status', '--state', missing], run.io)).toBe(3);
    expect(run.stderr()).toMatch(/no state at .*nothing-here/);
    const config = join(work.path, 'fleet.yaml');
    const listed = at(NOW);
    expect(await main(['status', '--state', missing, '--config', config, '--json'], listed.io)).toBe(0);
    expect(JSON.parse(listed.stdout()).automations).toEqual([
      { automation: 'apps/fleet', recorded: false, policies: ['apps/web', 'apps/worker'], warnings: 0 },
    ]);
    expect(await readdir(work.path)).not.toContain('nothing-here');
  });
});
