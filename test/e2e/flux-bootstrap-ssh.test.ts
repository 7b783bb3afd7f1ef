import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/peers/free-port.ts';
import { type RegistryServer, startRegistry } from '../../infra/peers/registry-server.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { type ServeProcess, startServe } from '../../infra/peers/serve-process.ts';
import { pushImage } from '../../infra/peers/skopeo.ts';
import {
  generateSshKey,
  type SshGitServer,
  type SshKeyPair,
  startSshGitServer,
} from '../../infra/peers/ssh-git-server.ts';
import { hookPath } from '../../lib/adapters/webhooks/hook-path.ts';
import { main } from '../../lib/local/cli.ts';
import { recordingIo } from '../helpers/cli-io.ts';
import { distributionReceiver } from '../helpers/distribution-event.ts';

/**
 * A configuration as `flux bootstrap git --url=ssh://…` leaves it: GitRepository `flux-system` over
 * ssh://, its Secret `flux-system` with `identity`, `identity.pub` and `known_hosts` (base64 `data`,
 * as the controller writes it), and an ImageUpdateAutomation on that GitRepository. It validates,
 * reconciles (CLI) and serves against a real sshd and a real registry.
 */

const TOKEN = 'ssh-e2e-receiver-token';
const b64 = (text: string) => Buffer.from(text).toString('base64');

const bootstrapFleet = (options: {
  gitUrl: string;
  key: SshKeyPair;
  knownHosts: string;
  image: string;
  extra?: readonly string[];
  /** Sign with the same Secret's identity (`signingKey.type: ssh`). */
  sshSigning?: boolean;
}) =>
  [
    `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec:
  interval: 1m0s
  ref: {branch: main}
  secretRef: {name: flux-system}
  url: ${options.gitUrl}`,
    `apiVersion: v1
kind: Secret
metadata: {name: flux-system, namespace: flux-system}
data:
  identity: ${b64(options.key.privateKey)}
  identity.pub: ${b64(`${options.key.publicKey}\n`)}
  known_hosts: ${b64(options.knownHosts)}`,
    `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: flux-system, namespace: flux-system}
spec:
  interval: 30m
  sourceRef: {kind: GitRepository, name: flux-system}
  git:
    checkout: {ref: {branch: main}}
    commit:
      author: {name: fluxcdbot, email: fluxcdbot@users.noreply.github.com}${
        options.sshSigning ? '\n      signingKey: {type: ssh, secretRef: {name: flux-system}}' : ''
      }
    push: {branch: main}
  update: {path: ./clusters/my-cluster, strategy: Setters}`,
    `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: podinfo, namespace: flux-system}
spec: {image: ${options.image}, interval: 5m, insecure: true}`,
    `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: podinfo, namespace: flux-system}
spec:
  imageRepositoryRef: {name: podinfo}
  policy: {semver: {range: 5.x}}
  digestReflectionPolicy: IfNotPresent`,
    ...(options.extra ?? []),
  ].join('\n---\n');

describe('a flux bootstrap fleet over SSH', () => {
  let ssh: SshGitServer;
  let registry: RegistryServer;
  let work: { path: string; remove: () => Promise<void> };
  let key: SshKeyPair;
  let image: string;
  const deployment = (tag: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: podinfo}\nspec:\n  template:\n    spec:\n      containers:\n        - name: podinfo\n          image: ${image}:${tag} # {"$imagepolicy": "flux-system:podinfo"}\n`;

  beforeAll(async () => {
    [ssh, registry, work] = await Promise.all([
      startSshGitServer(),
      startRegistry(),
      scratchDir('ia-ssh-e2e-'),
    ]);
    key = await generateSshKey(work.path, 'ed25519', { name: 'flux-system' });
    await ssh.authorize([key.publicKey]);
    image = `${registry.host}/stefanprodan/podinfo`;
    await pushImage(registry, { repository: 'stefanprodan/podinfo', tag: '5.0.0' });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([ssh?.stop(), registry?.stop()]);
    await work?.remove();
  });

  const writeFleet = async (name: string, text: string) => {
    const dir = join(work.path, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'flux-system.yaml'), text);
    return dir;
  };

  it('validates and reconciles with the CLI: a digest-pinned commit pushed over SSH', async () => {
    await ssh.repos.createRepo('fleet-cli', { 'clusters/my-cluster/podinfo.yaml': deployment('5.0.0') });
    const digest = await pushImage(registry, { repository: 'stefanprodan/podinfo', tag: '5.1.0' });
    const config = await writeFleet(
      'cli',
      bootstrapFleet({ gitUrl: ssh.url('fleet-cli'), key, knownHosts: await ssh.knownHosts(), image }),
    );
    const validate = recordingIo();
    expect(await main(['validate', '--config', config], validate.io), validate.stderr()).toBe(0);
    const state = join(work.path, 'cli-state');
    const run = recordingIo();
    expect(await main(['reconcile', '--config', config, '--state', state], run.io), run.stderr()).toBe(0);
    const [head] = await ssh.repos.gitLog('fleet-cli', 'main');
    expect(head?.authorName).toBe('fluxcdbot');
    expect(await ssh.repos.readFileAt('fleet-cli', 'main', 'clusters/my-cluster/podinfo.yaml')).toBe(
      deployment(`5.1.0@${digest}`),
    );
    // Nothing of the key in what the run printed or recorded.
    const keyLine = key.privateKey.split('\n')[1] ?? '';
    const stateFiles = await readdir(state, { recursive: true, withFileTypes: true });
    let recorded = '';
    for (const f of stateFiles)
      if (f.isFile()) recorded += await readFile(join(f.parentPath, f.name), 'utf8');
    for (const text of [run.stdout(), run.stderr(), recorded])
      expect(text).not.toContain(keyLine.slice(0, 24));
  });

  it("signs with the transport Secret's identity (type: ssh): git verify-commit accepts the pushed commit", async () => {
    await ssh.repos.createRepo('fleet-signed', { 'clusters/my-cluster/podinfo.yaml': deployment('5.0.0') });
    const config = await writeFleet(
      'signed',
      bootstrapFleet({
        gitUrl: ssh.url('fleet-signed'),
        key,
        knownHosts: await ssh.knownHosts(),
        image,
        sshSigning: true,
      }),
    );
    const run = recordingIo();
    expect(
      await main(['reconcile', '--config', config, '--state', join(work.path, 'signed-state')], run.io),
      run.stderr(),
    ).toBe(0);
    const [head] = await ssh.repos.gitLog('fleet-signed', 'main');
    const signers = join(work.path, 'allowed_signers');
    await writeFile(signers, `fluxcdbot@users.noreply.github.com namespaces="git" ${key.publicKey}\n`);
    const verifyWith = ['-c', 'gpg.format=ssh', '-c', `gpg.ssh.allowedSignersFile=${signers}`];
    await ssh.repos.git('fleet-signed', [...verifyWith, 'verify-commit', String(head?.commit)]);
    expect(
      (await ssh.repos.git('fleet-signed', [...verifyWith, 'log', '-1', '--format=%G? %GF', 'main'])).trim(),
    ).toBe(`G ${key.fingerprint}`);
  });

  it('refuses a changed host key with exit 3, naming the host and the fingerprint presented', async () => {
    await ssh.repos.createRepo('fleet-changed', { 'clusters/my-cluster/podinfo.yaml': deployment('5.0.0') });
    const impostor = await generateSshKey(work.path, 'ed25519', { name: 'impostor' });
    const stale = `[127.0.0.1]:${ssh.port} ${impostor.publicKey.split(' ').slice(0, 2).join(' ')}\n`;
    const config = await writeFleet(
      'changed',
      bootstrapFleet({ gitUrl: ssh.url('fleet-changed'), key, knownHosts: stale, image }),
    );
    const run = recordingIo();
    expect(
      await main(['reconcile', '--config', config, '--state', join(work.path, 'changed-state')], run.io),
    ).toBe(3);
    const said = run.stdout() + run.stderr();
    expect(said).toContain(`[127.0.0.1]:${ssh.port}`);
    expect(said).toContain(ssh.hostKeys.ed25519.fingerprint);
    expect(said).toContain('changed host key');
    expect((await ssh.repos.gitLog('fleet-changed', 'main')).length).toBe(1);
  });

  it('refuses the scp-like URL at validation, saying how to write it', async () => {
    const config = await writeFleet(
      'scp',
      bootstrapFleet({ gitUrl: 'git@github.com:org/fleet.git', key, knownHosts: 'x', image }),
    );
    const run = recordingIo();
    expect(await main(['validate', '--config', config], run.io)).toBe(2);
    expect(run.stdout() + run.stderr()).toContain('write it as ssh://git@github.com/org/fleet.git');
  });

  it('serves: a registry push becomes a commit pushed over SSH', async () => {
    await ssh.repos.createRepo('fleet-serve', { 'clusters/my-cluster/podinfo.yaml': deployment('5.0.0') });
    const servePort = await freePort();
    const config = await writeFleet(
      'serve',
      bootstrapFleet({
        gitUrl: ssh.url('fleet-serve'),
        key,
        knownHosts: await ssh.knownHosts({ hashed: true }),
        image,
        extra: distributionReceiver('flux-system', TOKEN),
      }),
    );
    const serve: ServeProcess = await startServe({
      config,
      state: join(work.path, 'serve-state'),
      port: servePort,
    });
    try {
      const digest = await pushImage(registry, { repository: 'stefanprodan/podinfo', tag: '5.2.0' });
      const response = await fetch(
        `http://127.0.0.1:${servePort}${hookPath(TOKEN, 'registry', 'flux-system')}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${TOKEN}`,
            'content-type': 'application/vnd.docker.distribution.events.v1+json',
          },
          body: JSON.stringify({
            events: [
              {
                id: 'e1',
                action: 'push',
                target: {
                  repository: 'stefanprodan/podinfo',
                  tag: '5.2.0',
                  digest,
                  mediaType: 'application/vnd.oci.image.manifest.v1+json',
                },
                request: { host: registry.host, method: 'PUT' },
              },
            ],
          }),
        },
      );
      expect(response.status).toBe(202);
      const pushed = await serve.waitForLog((l) => l.message === 'pushed', 30_000);
      const [head] = await ssh.repos.gitLog('fleet-serve', 'main');
      expect(pushed).toMatchObject({ commit: head?.commit, branch: 'main' });
      expect(await ssh.repos.readFileAt('fleet-serve', 'main', 'clusters/my-cluster/podinfo.yaml')).toBe(
        deployment(`5.2.0@${digest}`),
      );
    } finally {
      await serve.stop();
    }
  });
});
