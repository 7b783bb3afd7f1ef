import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';

/**
 * The git CLI for test fixtures: seeds bare repositories and inspects what a push left behind.
 * Hermetic: no system or user config, fixed identities, so fixture commits are reproducible.
 */

const hermeticEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  LANG: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
});

/** Runs `git args…`, resolves stdout; rejects with stderr on a non-zero exit. */
export const runGit = (
  args: readonly string[],
  options: { cwd?: string; input?: Uint8Array | string; env?: NodeJS.ProcessEnv } = {},
): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...hermeticEnv(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`git ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString()}`));
    });
    // A git that exits early (bad args) closes stdin; its exit code and stderr tell the story.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });

/** What a fixture commit contains; paths use forward slashes. */
export interface FixtureTree {
  readonly files: Readonly<Record<string, string>>;
  /** Paths (among `files`) committed with mode 100755. */
  readonly executable?: readonly string[];
  /** Path → link target, committed as 120000 entries. */
  readonly symlinks?: Readonly<Record<string, string>>;
  /** Path → commit id, committed as 160000 gitlinks (no .gitmodules needed for the tree). */
  readonly submodules?: Readonly<Record<string, string>>;
}

export interface FixtureCommit {
  readonly branch: string;
  readonly message: string;
  /** Ref the new commit's parent is read from; omitted → a root commit. */
  readonly parentRef?: string;
  /** Seconds since the epoch for author and committer. */
  readonly timestamp: number;
}

const fixtureIdentity = 'Fixture Writer <fixture@example.com>';

const data = (content: string | Buffer): Buffer[] => {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return [Buffer.from(`data ${bytes.byteLength}\n`), bytes, Buffer.from('\n')];
};

/**
 * Writes one commit straight into a bare repository with `git fast-import`: no work tree, so a
 * 20,000-file fixture takes a fraction of a second, and modes (exec, symlink, gitlink) are exact.
 */
export const fastImportCommit = async (
  bareDir: string,
  tree: FixtureTree,
  commit: FixtureCommit,
): Promise<string> => {
  const when = `${commit.timestamp} +0000`;
  const chunks: Buffer[] = [
    Buffer.from(`commit refs/heads/${commit.branch}\nmark :1\n`),
    Buffer.from(`author ${fixtureIdentity} ${when}\ncommitter ${fixtureIdentity} ${when}\n`),
    ...data(commit.message),
  ];
  if (commit.parentRef) chunks.push(Buffer.from(`from ${commit.parentRef}^0\n`));
  const executable = new Set(tree.executable ?? []);
  for (const [path, content] of Object.entries(tree.files)) {
    chunks.push(
      Buffer.from(`M ${executable.has(path) ? '100755' : '100644'} inline ${path}\n`),
      ...data(content),
    );
  }
  for (const [path, target] of Object.entries(tree.symlinks ?? {})) {
    chunks.push(Buffer.from(`M 120000 inline ${path}\n`), ...data(target));
  }
  for (const [path, oid] of Object.entries(tree.submodules ?? {})) {
    chunks.push(Buffer.from(`M 160000 ${oid} ${path}\n`));
  }
  chunks.push(Buffer.from('get-mark :1\ndone\n'));
  const out = await runGit([`--git-dir=${bareDir}`, 'fast-import', '--quiet', '--done'], {
    input: Buffer.concat(chunks),
  });
  return out.toString().trim();
};

export interface LogEntry {
  readonly commit: string;
  readonly parents: readonly string[];
  readonly authorName: string;
  readonly authorEmail: string;
  readonly authorTime: number;
  readonly committerName: string;
  readonly committerEmail: string;
  /** The full message, as stored. */
  readonly message: string;
}

/** `git log` of `ref`, newest first, in topological order. */
export const gitLog = async (bareDir: string, ref: string): Promise<LogEntry[]> => {
  const format = '%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%B%x1e';
  const out = await runGit([`--git-dir=${bareDir}`, 'log', '--topo-order', `--format=${format}`, ref]);
  return out
    .toString()
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record !== '')
    .map((record) => {
      const [
        commit = '',
        parents = '',
        authorName = '',
        authorEmail = '',
        at = '0',
        cn = '',
        ce = '',
        message = '',
      ] = record.split('\x00');
      return {
        commit,
        parents: parents === '' ? [] : parents.split(' '),
        authorName,
        authorEmail,
        authorTime: Number(at),
        committerName: cn,
        committerEmail: ce,
        message,
      };
    });
};
