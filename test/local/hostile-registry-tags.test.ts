import { writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { createFileStateStore } from '../../lib/adapters/state/file-state-store.ts';
import { main } from '../../lib/local/cli.ts';
import { recordingIo } from '../helpers/cli-io.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';

/**
 * Issue 10 item 6: a registry that lists tags outside the OCI grammar. A proxy in front of the real
 * registry adds them to its tag list; everything else is the real registry's answer.
 */
const HOSTILE_TAGS = ['9.9.9\n# injected: true', '9.9.8 #x', '9.9.7\u001b[2J\u001b[31m', '9.9.6\u202e'];

const startTagInjector = async (registry: RegistryServer) => {
  const server: Server = createServer((request, response) => {
    const upstream = httpRequest(
      `${registry.url}${request.url}`,
      { method: request.method, headers: { ...request.headers, host: registry.host } },
      (answer) => {
        if (!request.url?.includes('/tags/list') || answer.statusCode !== 200) {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const listed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { tags: string[] };
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ ...listed, tags: [...HOSTILE_TAGS, ...listed.tags] }));
        });
      },
    );
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const host = `127.0.0.1:${address && typeof address === 'object' ? address.port : 0}`;
  return {
    host,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

describe('a registry listing tags outside the OCI grammar', () => {
  let registry: RegistryServer;
  let gitServer: GitServer;
  let work: { path: string; remove: () => Promise<void> };
  let injector: Awaited<ReturnType<typeof startTagInjector>>;

  beforeAll(async () => {
    [registry, gitServer, work] = await Promise.all([
      startRegistry(),
      startGitServer(),
      scratchDir('ia-hostile-tags-'),
    ]);
    for (const tag of ['1.0.0', '1.2.0']) await pushImage(registry, { repository: 'team/web', tag });
    injector = await startTagInjector(registry);
  });
  afterAll(async () => {
    await Promise.all([injector?.stop(), registry?.stop(), gitServer?.stop(), work?.remove()]);
  });

  it('drops them with a counted warning: never selected, written, committed or printed raw', async () => {
    const image = `${injector.host}/team/web`;
    await gitServer.createRepo('fleet', {
      'apps/web.yaml': `image: ${image}:1.0.0 # {"$imagepolicy": "apps:web"}\n`,
    });
    const config = join(work.path, 'fleet.yaml');
    // The filter a Flux user writes for "x.y.z, whatever follows": it extracts 9.9.9 from the hostile tags.
    await writeFile(
      config,
      fleetManifests({
        gitUrl: gitServer.url('fleet'),
        policies: [
          {
            name: 'web',
            image,
            digestReflectionPolicy: 'Never',
            filterTags: { pattern: '^(?P<v>[0-9]+\\.[0-9]+\\.[0-9]+)', extract: '$v' },
          },
        ],
      }),
    );
    const state = join(work.path, 'state');
    const run = recordingIo();

    expect(await main(['reconcile', '--config', config, '--state', state], run.io)).toBe(0);

    expect(await gitServer.git('fleet', ['show', 'main:apps/web.yaml'])).toBe(
      `image: ${image}:1.2.0 # {"$imagepolicy": "apps:web"}\n`,
    );
    const message = await gitServer.git('fleet', ['log', '-1', '--format=%B', 'main']);
    expect(message).toContain('1.2.0');
    expect(message).not.toContain('9.9.');
    const warning = run
      .stderr()
      .split('\n')
      .filter((line) => line.includes('invalid tags'))
      .map((line) => JSON.parse(line));
    expect(warning).toEqual([
      expect.objectContaining({
        message: 'registry listed invalid tags; dropped',
        dropped: 4,
        examples: ['9.9.9\\n# injected: true', '9.9.8 #x', '9.9.7\\x1b[2J\\x1b[31m'],
      }),
    ]);

    const status = recordingIo();
    expect(await main(['status', '--state', state], status.io)).toBe(0);
    expect(status.stdout()).toMatch(new RegExp(`${image}\\s+\\S+ ago\\s+2 \\(4 invalid dropped\\)`));
  }, 30_000);

  it('status escapes control characters in what a registry said (an error message quoting its answer)', async () => {
    const dir = join(work.path, 'escaped');
    const store = createFileStateStore({ dir: join(dir, 'state') });
    await store.write(
      'repository',
      'registry.example/team/web',
      {
        canonicalName: 'registry.example/team/web',
        lastError: {
          code: 'Upstream',
          message: 'tag list: HTTP 500 UNKNOWN: \u001b[2J\u001b[31mall good\r\u202eevil',
          at: new Date().toISOString(),
        },
      },
      0,
    );
    const status = recordingIo();

    expect(await main(['status', '--state', dir], status.io)).toBe(0);

    expect(status.stdout()).toContain('UNKNOWN: \\x1b[2J\\x1b[31mall good\\r\\u202eevil');
    for (const raw of ['\u001b', '\r', '\u202e']) expect(status.stdout()).not.toContain(raw);
  });

  it('the CLI prints error messages with control characters escaped', async () => {
    const run = recordingIo({ cwd: work.path });

    expect(await main(['status', '--state', 'none\u001b[2J\u001b[31m'], run.io)).toBe(3);

    expect(run.stderr()).toContain('none\\x1b[2J\\x1b[31m');
    expect(run.stderr()).not.toContain('\u001b');
  });
});
