import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';
import { killProcessGroup } from './git-http-backend.ts';
import { type GitServer, startGitServer } from './git-server.ts';
import { scratchDir } from './scratch-dir.ts';

/**
 * A real OpenSSH server for Git over SSH in tests: Debian's `sshd` (openssh-server, installed by
 * infra/bootstrap.sh), never the system service. It runs in the foreground (`sshd -f <config> -D
 * -e`) on 127.0.0.1 on a free port, with its own host keys (ed25519, ECDSA, RSA), authorized_keys
 * and config in a scratch directory, and is killed as a process group by `stop()`. It serves the
 * bare repositories of a `git http-backend` peer (`repos`, whose helpers seed and read them) through
 * `git-upload-pack` / `git-receive-pack`, as every forge does.
 *
 * As a forge does, the remote command is mapped by a forced command: `git-upload-pack '/<repo>.git'`
 * runs on `<root>/<repo>.git`, so URLs read `ssh://<user>@127.0.0.1:<port>/<owner>/<repo>.git`;
 * anything but upload-pack and receive-pack is refused, and receive-pack on a repository holding a
 * `read-only` file is refused with GitHub's words for a read-only deploy key.
 *
 * The login user is the one running the tests (sshd only logs in existing users; the machine has no
 * `git` user and the tests create none).
 */

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';

export type SshKeyType = 'ed25519' | 'ecdsa' | 'rsa';

export interface SshKeyPair {
  readonly privateKey: string;
  /** `type base64 comment`, as in `identity.pub`. */
  readonly publicKey: string;
  /** `ssh-keygen -lf`'s `SHA256:…`. */
  readonly fingerprint: string;
}

export interface SshGitServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly repos: GitServer;
  /** `ssh://<user>@127.0.0.1:<port>/<repo>.git`. */
  url(repo: string): string;
  /** Lines for `known_hosts` naming this server (`[127.0.0.1]:port`), hashed by `ssh-keygen -H` when asked. */
  knownHosts(options?: {
    readonly types?: readonly SshKeyType[];
    readonly hashed?: boolean;
  }): Promise<string>;
  readonly hostKeys: Readonly<Record<SshKeyType, SshKeyPair>>;
  /** Replaces authorized_keys (sshd reads it on every login). */
  authorize(publicKeys: readonly string[]): Promise<void>;
  /** Ends every open connection (sshd's per-connection children), as a host dropping idle clients does. */
  dropConnections(): Promise<void>;
  /** sshd's log so far (LogLevel VERBOSE: one `Accepted publickey` per connection). */
  log(): string;
  stop(): Promise<void>;
}

/** A fresh key pair from the real `ssh-keygen` (`-m PEM` for the PEM format, `passphrase` to encrypt it). */
export const generateSshKey = async (
  dir: string,
  type: SshKeyType,
  options: { readonly name?: string; readonly passphrase?: string; readonly pem?: boolean } = {},
): Promise<SshKeyPair> => {
  const file = join(dir, options.name ?? `id_${type}`);
  await run('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '3072'] : []),
    ...(options.pem ? ['-m', 'PEM'] : []),
    '-N',
    options.passphrase ?? '',
    '-C',
    `test-${type}`,
    '-f',
    file,
  ]);
  const { stdout } = await run('ssh-keygen', ['-lf', `${file}.pub`]);
  return {
    privateKey: await readFile(file, 'utf8'),
    publicKey: (await readFile(`${file}.pub`, 'utf8')).trim(),
    fingerprint: stdout.split(' ')[1] ?? '',
  };
};

const waitForListening = (child: ChildProcess, output: string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${output.join('')}`)), 10_000);
    child.stderr?.on('data', () => {
      if (output.join('').includes('Server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited ${code}:\n${output.join('')}`));
    });
  });

export const startSshGitServer = async (): Promise<SshGitServer> => {
  const scratch = await scratchDir('ia-sshd-');
  const repos = await startGitServer();
  const dir = scratch.path;
  const hostKeys = {
    ed25519: await generateSshKey(dir, 'ed25519', { name: 'host_ed25519' }),
    ecdsa: await generateSshKey(dir, 'ecdsa', { name: 'host_ecdsa' }),
    rsa: await generateSshKey(dir, 'rsa', { name: 'host_rsa' }),
  };
  const authorizedKeys = join(dir, 'authorized_keys');
  const forcedCommand = join(dir, 'git-only');
  // The path arrives single-quoted (`git-upload-pack '/acme/fleet.git'`); quotes inside it are not
  // needed by any test, so the outer pair is stripped and the rest used as is.
  const script = `#!/bin/sh
set -f
cmd="$SSH_ORIGINAL_COMMAND"
case "$cmd" in
  "git-upload-pack '/"*"'"|"git-receive-pack '/"*"'") ;;
  *) echo "fatal: only git-upload-pack and git-receive-pack are served" >&2; exit 128 ;;
esac
service=$(printf '%s' "$cmd" | cut -d' ' -f1)
path=$(printf '%s' "$cmd" | cut -d' ' -f2- | sed "s/^'//; s/'$//")
if [ "$service" = git-receive-pack ] && [ -e "ROOT$path/read-only" ]; then
  echo "ERROR: Permission to $path denied to deploy key." >&2
  exit 1
fi
exec "$service" "ROOT$path"
`;
  await writeFile(forcedCommand, script.replaceAll('ROOT', repos.root), { mode: 0o755 });
  await writeFile(authorizedKeys, '', { mode: 0o600 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      ...(['ed25519', 'ecdsa', 'rsa'] as const).map((type) => `HostKey ${join(dir, `host_${type}`)}`),
      `AuthorizedKeysFile ${authorizedKeys}`,
      `ForceCommand ${forcedCommand}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'LogLevel VERBOSE',
      'MaxStartups 50',
      'MaxSessions 20',
      '',
    ].join('\n'),
  );
  // sshd started as root insists on its privilege separation directory.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child = spawn(SSHD, ['-f', config, '-D', '-e'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const output: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  try {
    await waitForListening(child, output);
  } catch (error) {
    killProcessGroup(child);
    await repos.stop();
    await scratch.remove();
    throw error;
  }
  const user = userInfo().username;
  const blob = (pair: SshKeyPair) => pair.publicKey.split(' ').slice(0, 2).join(' ');
  return {
    host: '127.0.0.1',
    port,
    user,
    repos,
    hostKeys,
    url: (repo) => `ssh://${user}@127.0.0.1:${port}/${repo.endsWith('.git') ? repo : `${repo}.git`}`,
    knownHosts: async (options = {}) => {
      const types = options.types ?? (['ed25519', 'ecdsa', 'rsa'] as const);
      const text = `${types.map((type) => `[127.0.0.1]:${port} ${blob(hostKeys[type])}`).join('\n')}\n`;
      if (!options.hashed) return text;
      const file = join(dir, `known_hosts_${Date.now()}_${Math.random().toString(36).slice(2)}`);
      await writeFile(file, text);
      await run('ssh-keygen', ['-H', '-f', file]);
      return readFile(file, 'utf8');
    },
    authorize: (publicKeys) => writeFile(authorizedKeys, `${publicKeys.join('\n')}\n`, { mode: 0o600 }),
    dropConnections: async () => {
      const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(child.pid)]);
      for (const pid of stdout
        .split('\n')
        .map((line) => Number(line.trim()))
        .filter((n) => n > 0)) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    },
    log: () => output.join(''),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      killProcessGroup(child, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
      killProcessGroup(child);
      await repos.stop();
      await scratch.remove();
    },
  };
};
