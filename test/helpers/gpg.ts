import { spawn } from 'node:child_process';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';

/**
 * Real GnuPG for signing tests: a key generated in a throwaway GNUPGHOME (`gpg --batch
 * --quick-gen-key`), its armored secret key (what a Flux `git.asc` holds), and `git verify-commit`
 * run with only the public key imported into a second, separate GNUPGHOME.
 */

const hermetic = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LANG: 'C' };

/** Runs a command with GNUPGHOME=home; resolves stdout followed by stderr (where gpg and git verify-commit report). */
const run = (command: string, args: readonly string[], home: string, input = ''): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { PATH: process.env.PATH, GNUPGHOME: home, ...hermetic } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat([...out, ...err]).toString());
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString()}`));
    });
    child.stdin.end(input);
  });

/** stdout only (armored exports, --with-colons listings). */
const runOut = (command: string, args: readonly string[], home: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { PATH: process.env.PATH, GNUPGHOME: home, ...hermetic } });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out).toString()) : reject(new Error(`${command} exited ${code}`)),
    );
    child.stdin.end();
  });

export interface GpgKey {
  /** ASCII-armored secret key, protected by `passphrase` when one was given. */
  readonly armoredSecretKey: string;
  readonly fingerprint: string;
  /** `git verify-commit --raw` on a bare repository; rejects when the signature does not verify. */
  verifyCommit(bareDir: string, commit: string): Promise<string>;
  remove(): Promise<void>;
}

export const generateGpgKey = async (
  options: { userId?: string; passphrase?: string } = {},
): Promise<GpgKey> => {
  const signing = await scratchDir('ia-gpg-');
  const verifying = await scratchDir('ia-gpg-verify-');
  const userId = options.userId ?? 'Image Bot <bot@example.com>';
  const passphrase = ['--pinentry-mode', 'loopback', '--passphrase', options.passphrase ?? ''];
  await run(
    'gpg',
    ['--batch', ...passphrase, '--quick-gen-key', userId, 'ed25519', 'sign', 'never'],
    signing.path,
  );
  const armoredSecretKey = await runOut(
    'gpg',
    ['--batch', ...passphrase, '--armor', '--export-secret-keys', userId],
    signing.path,
  );
  const colons = await runOut('gpg', ['--batch', '--with-colons', '--fingerprint', userId], signing.path);
  const fingerprint =
    colons
      .split('\n')
      .find((line) => line.startsWith('fpr:'))
      ?.split(':')[9] ?? '';
  const publicKey = await runOut('gpg', ['--batch', '--armor', '--export', userId], signing.path);
  await run('gpg', ['--batch', '--import'], verifying.path, publicKey);
  return {
    armoredSecretKey,
    fingerprint,
    verifyCommit: (bareDir, commit) =>
      run('git', [`--git-dir=${bareDir}`, 'verify-commit', '--raw', commit], verifying.path),
    remove: async () => {
      for (const home of [signing.path, verifying.path])
        await run('gpgconf', ['--kill', 'all'], home).catch(() => undefined);
      await Promise.all([signing.remove(), verifying.remove()]);
    },
  };
};
