import { Buffer } from 'node:buffer';
import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type FixtureTree, fastImportCommit, gitLog, type LogEntry, runGit } from './git-cli.ts';
import { killProcessGroup, serveWithGitHttpBackend } from './git-http-backend.ts';
import { scratchDir } from './scratch-dir.ts';

/**
 * A real smart-HTTP Git server for tests: `git http-backend` behind an in-process node:http server
 * on 127.0.0.1 (kernel-picked port), bare repositories on tmpfs. Auth, when configured, applies to
 * every request (unlike node-git-server, which checks only info/refs).
 *
 * @example
 * const server = await startGitServer();
 * try {
 *   await server.createRepo('demo', { 'apps/app.yaml': 'image: app:1.0.0\n' });
 *   // … clone/push http://127.0.0.1:<port>/demo.git …
 *   expect(await server.readFileAt('demo', 'main', 'apps/app.yaml')).toBe('…');
 * } finally { await server.stop(); }
 */

export type GitServerAuth =
  | { readonly username: string; readonly password: string }
  | { readonly token: string };

export interface GitServerRequest {
  readonly method: string;
  readonly path: string;
  /** `git-upload-pack` or `git-receive-pack` (from the query or the path). */
  readonly service: string | undefined;
  /** Request body bytes as received (packs are already compressed). */
  bytes: number;
  /** Set when the answer has been sent. */
  status?: number;
}

/** Holds the next `POST …/git-receive-pack` until released: the server-side push race, made deterministic. */
export interface ReceivePackGate {
  /** Resolves when a push reached the server and is being held. */
  readonly arrived: Promise<void>;
  release(): void;
}

export interface CreateRepoOptions extends Omit<FixtureTree, 'files'> {
  readonly branch?: string;
  readonly message?: string;
}

export interface CommitFilesOptions extends Omit<FixtureTree, 'files'> {
  readonly branch: string;
  /** Start a missing `branch` from this branch; defaults to `branch` itself (it must exist then). */
  readonly from?: string;
  readonly message?: string;
}

export interface GitServer {
  readonly baseUrl: string;
  /** GIT_PROJECT_ROOT: bare repositories live at `<root>/<name>.git`. */
  readonly root: string;
  url(repo: string): string;
  bareDir(repo: string): string;
  /** A bare repo accepting pushes, seeded with one commit on `branch` (default main); resolves its id. */
  createRepo(name: string, files: Record<string, string>, options?: CreateRepoOptions): Promise<string>;
  /** Lands a commit directly in the bare repo (no HTTP): "someone else pushed". Resolves its id. */
  commitFiles(repo: string, files: Record<string, string>, options: CommitFilesOptions): Promise<string>;
  gitLog(repo: string, branch: string): Promise<LogEntry[]>;
  readFileAt(repo: string, branch: string, path: string): Promise<string>;
  /** `git --git-dir=<bare> …args`, stdout as text. */
  git(repo: string, args: readonly string[]): Promise<string>;
  holdReceivePack(): ReceivePackGate;
  /** Every request received so far, in order. */
  readonly requests: readonly GitServerRequest[];
  stop(): Promise<void>;
}

const repoFile = (repo: string): string => (repo.endsWith('.git') ? repo : `${repo}.git`);

const authorise = (req: IncomingMessage, auth: GitServerAuth | undefined): string | null => {
  if (!auth) return '';
  const header = req.headers.authorization ?? '';
  if ('token' in auth) return header === `Bearer ${auth.token}` ? 'token' : null;
  const [user, ...rest] = Buffer.from(header.replace(/^Basic /i, ''), 'base64')
    .toString()
    .split(':');
  return /^Basic /i.test(header) && user === auth.username && rest.join(':') === auth.password ? user : null;
};

export const startGitServer = async (options: { auth?: GitServerAuth } = {}): Promise<GitServer> => {
  const scratch = await scratchDir('ia-git-server-');
  const root = scratch.path;
  const children = new Set<ChildProcess>();
  const requests: GitServerRequest[] = [];
  const gates: Array<{ arrive: () => void; released: Promise<void> }> = [];
  const heldGates = new Set<() => void>();
  let clock = 1_700_000_000;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const service = url.searchParams.get('service') ?? url.pathname.match(/(git-[a-z-]+-pack)$/)?.[1];
    const record: GitServerRequest = { method: req.method ?? 'GET', path: url.pathname, service, bytes: 0 };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    const remoteUser = authorise(req, options.auth);
    if (remoteUser === null) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'content-type': 'text/plain' });
      res.end('auth required\n');
      return;
    }
    if (req.method === 'POST' && url.pathname.endsWith('/git-receive-pack')) {
      const gate = gates.shift();
      if (gate) {
        gate.arrive();
        await gate.released;
      }
    }
    serveWithGitHttpBackend(req, res, { projectRoot: root, remoteUser, children });
    // Same tick as the bridge's pipe(), so both see every chunk.
    req.on('data', (chunk: Buffer) => {
      record.bytes += chunk.byteLength;
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const bareDir = (repo: string) => join(root, repoFile(repo));

  const commitFiles = async (repo: string, files: Record<string, string>, commit: CommitFilesOptions) => {
    const bare = bareDir(repo);
    const exists = await runGit([
      `--git-dir=${bare}`,
      'rev-parse',
      '--verify',
      '-q',
      `refs/heads/${commit.branch}`,
    ])
      .then(() => true)
      .catch(() => false);
    const parent = exists ? commit.branch : commit.from;
    return fastImportCommit(
      bare,
      { ...commit, files },
      {
        branch: commit.branch,
        message: commit.message ?? `fixture: update ${Object.keys(files).join(', ')}\n`,
        parentRef: parent === undefined ? undefined : `refs/heads/${parent}`,
        timestamp: clock++,
      },
    );
  };

  return {
    baseUrl,
    root,
    url: (repo) => `${baseUrl}/${repoFile(repo)}`,
    bareDir,
    createRepo: async (name, files, repoOptions = {}) => {
      const branch = repoOptions.branch ?? 'main';
      const bare = bareDir(name);
      await runGit(['init', '-q', '--bare', '-b', branch, bare]);
      // http-backend refuses receive-pack for anonymous users unless this is set.
      await runGit([`--git-dir=${bare}`, 'config', 'http.receivepack', 'true']);
      return fastImportCommit(
        bare,
        { ...repoOptions, files },
        { branch, message: repoOptions.message ?? 'initial commit\n', timestamp: clock++ },
      );
    },
    commitFiles,
    gitLog: (repo, branch) => gitLog(bareDir(repo), branch),
    readFileAt: async (repo, branch, path) =>
      (await runGit([`--git-dir=${bareDir(repo)}`, 'show', `${branch}:${path}`])).toString(),
    git: async (repo, args) => (await runGit([`--git-dir=${bareDir(repo)}`, ...args])).toString(),
    holdReceivePack: () => {
      let arrive = () => {};
      let release = () => {};
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = () => {
          heldGates.delete(release);
          resolve();
        };
      });
      heldGates.add(release);
      gates.push({ arrive, released });
      return { arrived, release };
    },
    requests,
    stop: async () => {
      for (const release of [...heldGates]) release();
      for (const child of children) killProcessGroup(child);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await scratch.remove();
    },
  };
};
