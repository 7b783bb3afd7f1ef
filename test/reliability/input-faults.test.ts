import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../infra/peers/git-cli.ts';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { runTimed } from '../helpers/timed-child.ts';

/**
 * Input faults, through the real binary: malformed YAML, 50 MB files, binary files named `.yaml`,
 * deep nesting, a configuration with every kind of error. Each gives a clear message naming the
 * file (and document and field for configuration), corrupts nothing (faulty files byte-identical,
 * no commit of them), does not crash, and stays within a memory bound.
 */

const bin = fileURLToPath(new URL('../../lib/local/bin.js', import.meta.url));
const MiB = 1024 * 1024;
const TOKEN = '"$imagepolicy"';

/** `image-automation <args>` under GNU time, whatever its exit code. */
const cli = async (args: readonly string[]) => {
  try {
    return {
      code: 0,
      ...(await runTimed(process.execPath, [bin, ...args], {
        env: { ...process.env, IMAGE_AUTOMATION_LOG_LEVEL: 'warn' },
      })),
    };
  } catch (error) {
    const message = (error as Error).message;
    return {
      code: Number(/exited (\d+)/.exec(message)?.[1] ?? -1),
      stdout: message,
      stderr: message,
      maxRssKb: 0,
    };
  }
};

/** One commit of exact bytes (binary, Latin-1) on top of `branch`, with git fast-import. */
const commitBytes = async (bare: string, branch: string, files: Record<string, Buffer>) => {
  const chunks: Buffer[] = [
    Buffer.from(
      `commit refs/heads/${branch}\ncommitter Fixture <f@example.com> 1700000000 +0000\ndata 6\nbytes\nfrom refs/heads/${branch}^0\n`,
    ),
  ];
  for (const [path, bytes] of Object.entries(files))
    chunks.push(Buffer.from(`M 100644 inline ${path}\ndata ${bytes.length}\n`), bytes, Buffer.from('\n'));
  await runGit([`--git-dir=${bare}`, 'fast-import', '--quiet'], { input: Buffer.concat(chunks) });
};

describe('input faults', () => {
  let work: { path: string; remove: () => Promise<void> };
  let registry: RegistryServer;
  let git: GitServer;
  beforeAll(async () => {
    work = await scratchDir('ia-rel-input-');
    [registry, git] = await Promise.all([startRegistry(), startGitServer()]);
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), git?.stop()]);
    await work?.remove();
  });

  const markerLine = (host: string) => `image: ${host}/team/web:1.0.0 # {"$imagepolicy": "apps:web"}\n`;

  /** The faulty files of a repository, each with a marker except `huge-plain.yaml`. */
  const faultyFiles = (host: string, huge: boolean) => {
    const keys: string[] = [];
    for (let i = 0, total = 0; huge && total < 50 * MiB; i++) {
      keys.push(`key${String(i).padStart(12, '0')}: v\n`);
      total += keys[i]?.length ?? 0;
    }
    return {
      text: {
        'apps/malformed.yaml': `${markerLine(host)}broken: [unclosed\n  other: {\n`,
        ...(huge && {
          'apps/huge.yaml': `${markerLine(host)}${keys.join('')}`,
          'apps/huge-plain.yaml': '# filler without any marker\n'.repeat((50 * MiB) / 28),
        }),
        'apps/deep.yaml': `deep: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n${markerLine(host)}`,
      },
      bytes: {
        // Random bytes around the marker token, NULs and invalid UTF-8 included.
        'apps/binary.yaml': Buffer.concat([
          Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28]),
          Buffer.from(`x ${TOKEN} y`),
          Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)),
        ]),
        'apps/latin1.yaml': Buffer.concat([
          Buffer.from(markerLine(host)),
          Buffer.from('name: caf\xe9\n', 'latin1'),
        ]),
      },
    };
  };

  const setUpRepo = async (name: string, options: { good: boolean; huge: boolean }) => {
    const faulty = faultyFiles(registry.host, options.huge);
    await git.createRepo(name, {
      ...faulty.text,
      ...(options.good ? { 'apps/good.yaml': markerLine(registry.host) } : {}),
    });
    await commitBytes(git.bareDir(name), 'main', faulty.bytes);
    const configDir = join(work.path, `config-${name}`);
    await mkdir(configDir);
    await writeFile(
      join(configDir, 'fleet.yaml'),
      fleetManifests({
        gitUrl: git.url(name),
        policies: [{ name: 'web', image: `${registry.host}/team/web` }],
      }),
    );
    const faultyPaths = [...Object.keys(faulty.text), ...Object.keys(faulty.bytes)];
    const blobs = async () =>
      Object.fromEntries(
        await Promise.all(
          faultyPaths.map(async (p) => [p, (await git.git(name, ['rev-parse', `main:${p}`])).trim()]),
        ),
      );
    return { configDir, faultyPaths, blobs };
  };

  it('reconcile: the good file is pinned, every faulty file is left byte-identical with a warning naming it', async () => {
    const digest = await pushImage(registry, { repository: 'team/web', tag: '1.1.0' });
    const { configDir, blobs } = await setUpRepo('faulty', { good: true, huge: true });
    const before = await blobs();
    const commits = (await git.gitLog('faulty', 'main')).length;

    const run = await cli(['reconcile', '--config', configDir, '--state', join(work.path, 'state-faulty')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/apps\/fleet: pushed [0-9a-f]{7} to main \(1 change\)/);
    expect(await git.gitLog('faulty', 'main')).toHaveLength(commits + 1);
    expect(await git.readFileAt('faulty', 'main', 'apps/good.yaml')).toContain(`web:1.1.0@${digest} #`);
    expect(await blobs()).toEqual(before);
    expect(run.stdout).toContain('warning: apps/malformed.yaml:');
    expect(run.stdout).toMatch(
      /warning: apps\/huge\.yaml:1: is 5\d(\.\d)? MiB; files over 10 MiB are left as is/,
    );
    expect(run.stdout).toMatch(/warning: apps\/binary\.yaml:1: not valid UTF-8, left as is/);
    expect(run.stdout).toMatch(/warning: apps\/latin1\.yaml:1: not valid UTF-8, left as is/);
    expect(run.stdout).toMatch(/warning: apps\/deep\.yaml:\d+: not valid YAML, left as is/);
    expect(run.stdout).not.toContain('huge-plain.yaml');
    // Bounded: the 50 MB files are never parsed (one 50 MB parse took 2.9 GB before the size limit).
    // What remains is the clone inflating each blob once to hash it: about 400 MB for two 50 MB files,
    // with a margin for the collector's timing.
    expect(run.maxRssKb / 1024).toBeLessThan(512);
  }, 120_000);

  it('reconcile: when every marked file is faulty there is no commit at all', async () => {
    const { configDir, blobs } = await setUpRepo('all-faulty', { good: false, huge: false });
    const before = await blobs();
    const head = (await git.gitLog('all-faulty', 'main'))[0]?.commit;
    const run = await cli([
      'reconcile',
      '--config',
      configDir,
      '--state',
      join(work.path, 'state-all-faulty'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('apps/fleet: up to date (no marker needed a change)');
    expect((await git.gitLog('all-faulty', 'main'))[0]?.commit).toBe(head);
    expect(await blobs()).toEqual(before);
  }, 120_000);

  it('a configuration with every kind of error: each named by file, document, object and field; serve refuses to start', async () => {
    const dir = join(work.path, 'bad-config');
    await mkdir(dir);
    await writeFile(join(dir, 'objects.yaml'), EVERY_KIND_OF_ERROR);
    await writeFile(
      join(dir, 'broken.yaml'),
      'apiVersion: v1\nkind: Secret\n---\nkey: [unclosed\n  other: {\n',
    );
    await writeFile(
      join(dir, 'binary.yaml'),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)),
    );
    await writeFile(join(dir, 'deep.yaml'), `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    await writeFile(join(dir, 'huge.yaml'), 'k: v\n'.repeat((50 * MiB) / 5));

    const validate = await cli(['validate', '--config', dir]);
    expect(validate.code).toBe(2);
    for (const line of EXPECTED_ERRORS) expect(validate.stderr).toContain(line);
    expect(validate.stderr).toContain(`${EXPECTED_ERRORS.length} errors in ${dir}`);
    expect(validate.maxRssKb / 1024).toBeLessThan(300);

    // serve: the same errors, exit 2, never listens, never touches the queue.
    const state = join(work.path, 'bad-config-state');
    const serve = spawn(process.execPath, [bin, 'serve', '--config', dir, '--state', state, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    serve.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    serve.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => serve.on('exit', resolve));
    expect(code).toBe(2);
    expect(output).not.toContain('listening');
    expect(output).toContain('objects.yaml: document 3 (ImagePolicy apps/web): spec.policy.semver.range');
    expect(await readdir(state).catch(() => [])).not.toContain('queue');
  }, 120_000);
});

const EVERY_KIND_OF_ERROR = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fleet, namespace: apps}
spec: {interval: 5m, url: "http://127.0.0.1:1/fleet.git", ref: {branch: main}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: web, namespace: apps}
spec: {image: registry.example.com/team/web, interval: soon}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: web, namespace: apps}
spec:
  imageRepositoryRef: {name: web}
  policy: {semver: {range: ">=1.x.y"}}
  filterTags: {pattern: "^(unclosed"}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: orphan, namespace: apps}
spec: {imageRepositoryRef: {name: missing}, policy: {semver: {range: ">=1.0.0"}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: fleet, namespace: apps}
spec:
  interval: 30m
  sourceRef: {kind: GitRepository, name: nowhere}
  git: {commit: {author: {email: bot@example.com}}}
  update: {strategy: Setters, path: ./}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: other, namespace: apps}
spec:
  interval: 30m
  sourceRef: {kind: GitRepository, name: fleet}
  git: {commit: {author: {email: 42}}}
  update: {strategy: Setters, path: ../outside}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: api, namespace: apps}
spec: {image: registry.example.com/team/api, interval: 1m}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: api, namespace: apps}
spec: {image: registry.example.com/team/api2, interval: 1m}
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g}
---
kind: ImagePolicy
metadata: {namespace: apps}
spec: 7
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: sideways, namespace: apps}
spec: {imageRepositoryRef: {name: api}, policy: {alphabetical: {order: sideways}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: norepo, namespace: apps}
spec: {policy: {semver: {range: ">=1.0.0"}}}
`;

const EXPECTED_ERRORS = [
  'binary.yaml: is not UTF-8 text',
  'huge.yaml: is 50 MiB; files over 10 MiB are not loaded',
  'broken.yaml: document 1 (Secret): metadata: required',
  'broken.yaml:4:7: document 2: invalid YAML:',
  'deep.yaml:1:',
  'objects.yaml: document 2 (ImageRepository apps/web): spec.interval: "soon" is not a valid duration',
  'objects.yaml: document 3 (ImagePolicy apps/web): spec.policy.semver.range: invalid constraint ">=1.x.y"',
  'objects.yaml: document 3 (ImagePolicy apps/web): spec.filterTags.pattern: invalid regular expression',
  'objects.yaml: document 4 (ImagePolicy apps/orphan): spec.imageRepositoryRef: ImageRepository apps/missing not found',
  'objects.yaml: document 5 (ImageUpdateAutomation apps/fleet): spec.sourceRef: GitRepository apps/nowhere not found',
  'objects.yaml: document 6 (ImageUpdateAutomation apps/other): spec.git.commit.author.email: must be a string',
  'objects.yaml: document 6 (ImageUpdateAutomation apps/other): spec.update.path: "../outside" leaves the repository',
  'objects.yaml: document 8 (ImageRepository apps/api): duplicate ImageRepository apps/api',
  'objects.yaml: document 11 (ImagePolicy apps/sideways): spec.policy.alphabetical.order: must be one of asc, desc',
  'objects.yaml: document 12 (ImagePolicy apps/norepo): spec.imageRepositoryRef: required',
];
