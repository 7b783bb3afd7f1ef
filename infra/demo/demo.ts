/**
 * The main job, end to end on one machine: a real registry (docker-registry) notifies
 * `image-automation serve`, which resolves tags and digests from the registry and pushes
 * digest-pinned commits to a real Git server (git http-backend). Run with `npm run demo`;
 * `npm run demo -- --ssh` pushes over SSH instead, to a real sshd with a deploy key and known_hosts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import { freePort } from '../peers/free-port.ts';
import { startGitServer } from '../peers/git-server.ts';
import { startRegistry } from '../peers/registry-server.ts';
import { scratchDir } from '../peers/scratch-dir.ts';
import { startServe } from '../peers/serve-process.ts';
import { pushImage } from '../peers/skopeo.ts';
import { generateSshKey, startSshGitServer } from '../peers/ssh-git-server.ts';
import { fleetFiles, fluxManifests, RECEIVER_TOKEN } from './fleet.ts';

const bold = (text: string) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text);
const say = (text = '') => process.stdout.write(`${text}\n`);

const waitForCommit = async (count: () => Promise<number>, expected: number, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while ((await count()) < expected) {
    if (Date.now() > deadline) throw new Error('no commit arrived within 30 s');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const main = async () => {
  const work = await scratchDir('image-automation-demo-');
  const cleanups: Array<() => Promise<unknown>> = [() => work.remove()];
  try {
    say(bold('image-automation demo: registry push → digest-pinned Git commit'));
    const overSsh = process.argv.includes('--ssh');
    const sshServer = overSsh ? await startSshGitServer() : undefined;
    if (sshServer) cleanups.unshift(() => sshServer.stop());
    const git = sshServer?.repos ?? (await startGitServer());
    if (!sshServer) cleanups.unshift(() => git.stop());
    const gitUrl = sshServer?.url('fleet') ?? git.url('fleet');
    let sshSecret: Parameters<typeof fluxManifests>[2];
    if (sshServer) {
      const deployKey = await generateSshKey(work.path, 'ed25519', { name: 'deploy-key' });
      await sshServer.authorize([deployKey.publicKey]);
      sshSecret = {
        identity: deployKey.privateKey,
        identityPub: deployKey.publicKey,
        knownHosts: await sshServer.knownHosts(),
      };
    }
    const servePort = await freePort();
    const registry = await startRegistry({
      notify: {
        url: `http://127.0.0.1:${servePort}${hookPath(RECEIVER_TOKEN, 'registry', 'demo')}`,
        headers: { Authorization: [`Bearer ${RECEIVER_TOKEN}`] },
      },
    });
    cleanups.unshift(() => registry.stop());
    say(`  registry    http://${registry.host}  (docker-registry, notifications on)`);
    say(
      `  git server  ${gitUrl}  (${sshServer ? 'OpenSSH sshd, deploy key + known_hosts' : 'git http-backend'})`,
    );

    for (const name of ['web', 'api', 'worker'])
      await pushImage(registry, { repository: `demo/${name}`, tag: '1.0.0' });
    await git.createRepo('fleet', fleetFiles(registry.host));
    const configDir = join(work.path, 'flux');
    await mkdir(configDir);
    await writeFile(join(configDir, 'fleet.yaml'), fluxManifests(registry.host, gitUrl, sshSecret));
    const serve = await startServe({
      config: configDir,
      state: join(work.path, 'state'),
      port: servePort,
    });
    cleanups.unshift(() => serve.stop());
    say(`  serve       ${serve.url}  (image-automation, Flux manifests in ${configDir})`);
    say();

    const commits = async () => (await git.gitLog('fleet', 'main')).length;
    const timings: Array<{ what: string; ms: number }> = [];
    const push = async (
      what: string,
      repository: string,
      tag: string,
      mode: 'single' | 'multi' = 'single',
    ) => {
      const before = await commits();
      say(
        `${bold('push')} ${registry.host}/${repository}:${tag}${mode === 'multi' ? ' (multi-arch index)' : ''}`,
      );
      const digest = await pushImage(registry, { repository, tag, mode });
      const pushed = performance.now();
      await waitForCommit(commits, before + 1);
      const ms = Math.round(performance.now() - pushed);
      timings.push({ what, ms });
      say(`  → commit on main ${ms} ms after the push completed (digest ${digest.slice(0, 19)}…)`);
    };
    await push('web 1.1.0', 'demo/web', '1.1.0');
    await push('api 1.2.0 multi-arch', 'demo/api', '1.2.0', 'multi');
    await push('worker 1.0.3', 'demo/worker', '1.0.3');
    say(
      `${bold('push')} ${registry.host}/demo/web:2.0.0-rc.1 and :latest (not selected by >=1.0.0: no commit)`,
    );
    const before = await commits();
    await pushImage(registry, { repository: 'demo/web', tag: '2.0.0-rc.1' });
    await pushImage(registry, { repository: 'demo/web', tag: 'latest' });
    await serve.waitForLog((l) => l.message === 'event queued' && l.tag === 'latest').catch(() => undefined);
    await serve.waitIdle();
    say(`  → ${(await commits()) - before} commits`);
    say();

    say(bold('git log -p (newest first)'));
    say(
      await git.git('fleet', [
        'log',
        '-p',
        '--format=commit %H%nAuthor: %an <%ae>%n%n%w(0,4,4)%B',
        '-3',
        'main',
      ]),
    );
    const sorted = timings.map((t) => t.ms).sort((a, b) => a - b);
    say(bold('push-to-commit time'));
    for (const t of timings) say(`  ${t.what.padEnd(22)} ${t.ms} ms`);
    say(
      `  median ${sorted[Math.floor(sorted.length / 2)]} ms (from the end of skopeo's push to the commit in the Git server)`,
    );
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
};

await main();
