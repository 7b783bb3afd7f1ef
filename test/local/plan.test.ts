import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { main } from '../../lib/local/cli.ts';
import { recordingIo } from '../helpers/cli-io.ts';
import { type FleetOptions, fleetManifests } from '../helpers/fleet-config.ts';

/** Every path under `dir` (directories too) with a hash of each file's bytes. */
const snapshot = async (dir: string): Promise<Record<string, string>> => {
  const out: Record<string, string> = {};
  const walk = async (path: string) => {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        out[`${relative(dir, full)}/`] = 'dir';
        await walk(full);
      } else {
        out[relative(dir, full)] = createHash('sha256')
          .update(await readFile(full))
          .digest('hex');
      }
    }
  };
  await walk(dir);
  return out;
};

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('image-automation plan against a real registry and Git server', () => {
  let registry: RegistryServer;
  let gitServer: GitServer;
  let work: { path: string; remove: () => Promise<void> };
  const digests = new Map<string, string>();

  beforeAll(async () => {
    [registry, gitServer, work] = await Promise.all([
      startRegistry(),
      startGitServer(),
      scratchDir('ia-plan-'),
    ]);
    for (const tag of ['1.0.0', '1.1.0', '1.2.0-rc.1', 'latest', 'sha256-0123abcd.sig'])
      digests.set(`web:${tag}`, await pushImage(registry, { repository: 'team/web', tag }));
    for (const tag of ['1.9.0', '2.0.0'])
      digests.set(`api:${tag}`, await pushImage(registry, { repository: 'team/api', tag }));
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), gitServer?.stop(), work?.remove()]);
  });

  const writeConfig = async (name: string, options: Omit<FleetOptions, 'gitUrl'> & { repo: string }) => {
    const path = join(work.path, `${name}.yaml`);
    await writeFile(path, fleetManifests({ ...options, gitUrl: gitServer.url(options.repo) }));
    return path;
  };

  const refsOf = (repo: string) => gitServer.git(repo, ['show-ref']);
  const pushes = () =>
    gitServer.requests.filter((r) => r.method === 'POST' && r.service === 'git-receive-pack');

  it('explains every decision, prints the exact diff and writes nothing', async () => {
    const web = `${registry.host}/team/web`;
    const api = `${registry.host}/team/api`;
    await gitServer.createRepo('why', {
      'apps/web.yaml': `image: ${web}:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
      'apps/api.yaml': `tag: "1.9.0" # {"$imagepolicy": "apps:api:tag"}\n`,
    });
    const config = await writeConfig('why', {
      repo: 'why',
      policies: [
        { name: 'web', image: web },
        { name: 'api', image: api, filterTags: { pattern: '^2\\.' } },
      ],
    });
    const state = join(work.path, 'why-state');
    // A first real run records refs (and pushes); a new release then shows up in the plan only.
    expect(await main(['reconcile', '--config', config, '--state', state], recordingIo().io)).toBe(0);
    await pushImage(registry, { repository: 'team/web', tag: '1.2.0' }).then((d) =>
      digests.set('web:1.2.0', d),
    );
    const before = { state: await snapshot(state), refs: await refsOf('why'), pushes: pushes().length };

    const run = recordingIo();
    expect(await main(['plan', '--config', config, '--state', state], run.io)).toBe(0);
    const d = (key: string) => digests.get(key) ?? '';
    expect(run.stdout()).toBe(
      [
        'apps/fleet: 1 change would be committed to main',
        `  policy apps/web  semver ">=1.0.0"  image ${web}`,
        '    listed:         6 tags',
        '    exclusion list: 1 excluded (^.*\\.sig$ ×1): sha256-0123abcd.sig',
        '    candidates:     5: latest, 1.2.0-rc.1, 1.2.0, 1.1.0, 1.0.0',
        '    not a version:  1: latest',
        '    out of range:   1: 1.2.0-rc.1',
        '    selected:       1.2.0',
        `    digest:         ${d('web:1.2.0')} (resolved from the registry now; digestReflectionPolicy IfNotPresent)`,
        `    previous:       ${web}:1.1.0@${d('web:1.1.0')}`,
        `  policy apps/api  semver ">=1.0.0"  image ${api}`,
        '    listed:         2 tags',
        '    exclusion list: 0 excluded',
        '    filterTags:     1 not matching ^2\\.: 1.9.0',
        '    candidates:     1: 2.0.0',
        '    selected:       2.0.0',
        `    digest:         ${d('api:2.0.0')} (kept from the previous ref, same tag; digestReflectionPolicy IfNotPresent)`,
        `    previous:       ${api}:2.0.0@${d('api:2.0.0')} (unchanged)`,
        '  changes:',
        `    apps/web.yaml:1 apps:web: ${web}:1.1.0@${d('web:1.1.0')} -> ${web}:1.2.0@${d('web:1.2.0')}`,
        '--- a/apps/web.yaml',
        '+++ b/apps/web.yaml',
        '@@ -1,1 +1,1 @@',
        `-image: ${web}:1.1.0@${d('web:1.1.0')} # {"$imagepolicy": "apps:web"}`,
        `+image: ${web}:1.2.0@${d('web:1.2.0')} # {"$imagepolicy": "apps:web"}`,
        '',
      ].join('\n'),
    );
    // Nothing written: not a byte of state, no ref moved, no push attempted.
    expect(await snapshot(state)).toEqual(before.state);
    expect(await refsOf('why')).toBe(before.refs);
    expect(pushes()).toHaveLength(before.pushes);

    const json = recordingIo();
    expect(await main(['plan', '--config', config, '--state', state, '--json'], json.io)).toBe(0);
    const report = JSON.parse(json.stdout());
    const [automation] = report.automations;
    expect(automation).toMatchObject({ automation: 'apps/fleet', outcome: 'changes', pushBranch: 'main' });
    expect(automation.diffs).toEqual([
      {
        file: 'apps/web.yaml',
        diff: `--- a/apps/web.yaml\n+++ b/apps/web.yaml\n@@ -1,1 +1,1 @@\n-image: ${web}:1.1.0@${d('web:1.1.0')} # {"$imagepolicy": "apps:web"}\n+image: ${web}:1.2.0@${d('web:1.2.0')} # {"$imagepolicy": "apps:web"}\n`,
      },
    ]);
    expect(automation.policies[0]).toMatchObject({
      policy: 'apps/web',
      exclusion: {
        listed: 6,
        excluded: { count: 1, sample: ['sha256-0123abcd.sig'] },
        patterns: [{ pattern: '^.*\\.sig$', count: 1 }],
      },
      trace: {
        tagsSeen: 5,
        semver: { notVersions: { count: 1 }, outOfRange: { count: 1, sample: ['1.2.0-rc.1'] } },
      },
      decision: { kind: 'selected', tag: '1.2.0' },
      latestRef: { name: web, tag: '1.2.0', digest: d('web:1.2.0') },
      previousRef: { name: web, tag: '1.1.0', digest: d('web:1.1.0') },
      changed: true,
      digest: { policy: 'IfNotPresent', source: 'registry' },
    });
    expect(automation.policies[1]).toMatchObject({
      policy: 'apps/api',
      trace: { filter: { dropped: { count: 1, sample: ['1.9.0'] } } },
      digest: { source: 'kept' },
      changed: false,
    });
    expect(await snapshot(state)).toEqual(before.state);
  });

  it('says why nothing was selected, exits 1, and creates no state directory', async () => {
    await gitServer.createRepo('none', {
      'web.yaml': `image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
    });
    const config = await writeConfig('none', {
      repo: 'none',
      policies: [
        {
          name: 'web',
          image: `${registry.host}/team/web`,
          policy: '>=5.0.0',
          exclusionList: ['^latest$', '\\.sig$'],
        },
      ],
    });
    const state = join(work.path, 'none-state');
    const refs = await refsOf('none');
    const run = recordingIo();
    expect(await main(['plan', '--config', config, '--state', state], run.io)).toBe(1);
    expect(run.stdout()).toContain('apps/fleet: nothing to commit (no marker needs a change)\n');
    expect(run.stdout()).toContain(
      '    exclusion list: 2 excluded (^latest$ ×1, \\.sig$ ×1): sha256-0123abcd.sig, latest\n',
    );
    expect(run.stdout()).toContain('    out of range:   4: 1.2.0-rc.1, 1.2.0, 1.1.0, 1.0.0\n');
    expect(run.stdout()).toMatch(/ {4}selected: {7}nothing: .*>=5\.0\.0/);
    expect(run.stdout()).toContain('    previous:       none recorded\n');
    expect(await exists(state)).toBe(false);
    expect(await refsOf('none')).toBe(refs);
  });

  it('exits 2 on an invalid configuration and 3 when the Git repository does not exist', async () => {
    const broken = join(work.path, 'broken.yaml');
    await writeFile(broken, 'apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: [\n');
    const invalid = recordingIo();
    expect(await main(['plan', '--config', broken], invalid.io)).toBe(2);
    expect(invalid.stderr()).toMatch(/broken\.yaml/);

    const config = await writeConfig('missing', {
      repo: 'does-not-exist',
      policies: [{ name: 'web', image: `${registry.host}/team/web` }],
    });
    const run = recordingIo();
    expect(
      await main(['plan', '--config', config, '--state', join(work.path, 'missing-state')], run.io),
    ).toBe(3);
    expect(run.stdout()).toMatch(/^apps\/fleet: failed: NotFound: /);
    // The policies are still explained from what the run saw.
    expect(run.stdout()).toContain('    selected:       1.2.0\n');
  });
});
