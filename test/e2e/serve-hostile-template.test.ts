import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/peers/free-port.ts';
import { type GitServer, startGitServer } from '../../infra/peers/git-server.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { startServe } from '../../infra/peers/serve-process.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { waitUntil } from '../helpers/wait-until.ts';

/**
 * Two tenants' automations write to one repository and branch (one queue group, run one after the
 * other). Tenant a's commit-message template would loop for ever; it must fail on its own, as a
 * configuration error that is not retried, while tenant b still commits and serve stays healthy.
 */
describe('serve: a runaway commit-message template fails alone', () => {
  let gitServer: GitServer;
  let registry: RegistryServer;
  let work: { path: string; remove: () => Promise<void> };
  let configDir: string;

  beforeAll(async () => {
    work = await scratchDir('ia-e2e-template-');
    [gitServer, registry] = await Promise.all([startGitServer(), startRegistry()]);
    const line = (ns: string) => `image: ${registry.host}/team/web:1.0.0 # {"$imagepolicy": "${ns}:web"}\n`;
    await gitServer.createRepo('fleet', { 'tenants/a/web.yaml': line('a'), 'tenants/b/web.yaml': line('b') });
    await pushImage(registry, { repository: 'team/web', tag: '1.1.0' });
    configDir = join(work.path, 'config');
    await mkdir(configDir);
    const tenant = (namespace: string, messageTemplate?: string) =>
      fleetManifests({
        namespace,
        gitUrl: gitServer.url('fleet'),
        updatePath: `./tenants/${namespace}`,
        ...(messageTemplate && { messageTemplate }),
        policies: [{ name: 'web', image: `${registry.host}/team/web` }],
      });
    await writeFile(join(configDir, 'a.yaml'), tenant('a', '{{ range 100000000000 }}{{ end }}'));
    await writeFile(join(configDir, 'b.yaml'), tenant('b'));
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), gitServer?.stop()]);
    await work?.remove();
  });

  it('settles the runaway automation as a config error, and the other automation commits', async () => {
    // The sweep at start queues both automations; later sweeps are an hour away.
    const serve = await startServe({
      config: configDir,
      state: join(work.path, 'state'),
      port: await freePort(),
      sweepSeconds: 3600,
    });
    try {
      await waitUntil(
        "tenant b's commit",
        async () =>
          (await gitServer.readFileAt('fleet', 'main', 'tenants/b/web.yaml')).includes('team/web:1.1.0@'),
        40_000,
      );
      const failed = await serve.waitForLog(
        (l) => l.message === 'automation run failed' && l.automation === 'a/fleet',
        40_000,
      );
      expect(failed.error).toMatchObject({ code: 'InvalidConfig', retryable: false });
      expect(String((failed.error as { message: string }).message)).toMatch(
        /^ImageUpdateAutomation a\/fleet: failed to run template from spec: template: .*execution exceeds the budget of 1000000 steps$/,
      );
      // Settled at the first attempt: not retried, not left pending; serve answers and is idle.
      await serve.waitIdle(20_000);
      expect(
        serve.logs().filter((l) => l.automation === 'a/fleet' && l.message === 'run failed; will retry'),
      ).toEqual([]);
      expect(
        serve
          .logs()
          .find(
            (l) => l.automation === 'a/fleet' && l.message === 'run failed for good; messages acknowledged',
          ),
      ).toMatchObject({ attempt: 1 });
      expect((await fetch(`${serve.url}/healthz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
      expect(await gitServer.readFileAt('fleet', 'main', 'tenants/a/web.yaml')).toContain('team/web:1.0.0 #');
    } finally {
      await serve.stop();
    }
  }, 120_000);
});
