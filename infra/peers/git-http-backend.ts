import { Buffer } from 'node:buffer';
import { type ChildProcess, spawn } from 'node:child_process';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Signals a child started with `detached: true` and everything it started (its process group). */
export const killProcessGroup = (child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal); // the group is gone already; make sure the leader is too
  }
};

// How long a backend whose client went away may take to notice and exit on its own.
const ABANDONED_GRACE_MS = 2000;

/**
 * Serves one smart-HTTP request through `git http-backend` (CGI, RFC 3875): real git semantics
 * (protocol v2, receive-pack ref locking, "failed to update ref") with no git server to install.
 * Port of the 41-line bridge in reference/real-components.md §2.1.
 */
export const serveWithGitHttpBackend = (
  req: IncomingMessage,
  res: ServerResponse,
  options: { projectRoot: string; remoteUser: string; children: Set<ChildProcess> },
): void => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROJECT_ROOT: options.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
    REMOTE_USER: options.remoteUser,
    // Passing these through is what makes protocol v2 and gzip request bodies (git CLI) work.
    GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
  };
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  let finished = false;
  // Its own process group: `git http-backend` runs git-http-backend, which runs receive-pack; killing
  // only the first orphans the others, and an orphaned backend whose client went away was seen
  // spinning at 100% CPU for as long as the machine stayed up.
  const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  options.children.add(cgi);
  // The client went away (killed mid-push, dropped connection): nobody will read the answer.
  // The client went away (killed mid-push, dropped connection): the body will never complete. End
  // the CGI's input so git sees EOF and aborts by itself; only if it lingers, SIGTERM the group —
  // never SIGKILL: git removes its ref lock files on SIGTERM, while a SIGKILL in the middle of a ref
  // update leaves `refs/heads/<branch>.lock` behind and every later push fails to lock the ref.
  res.on('close', () => {
    if (finished) return;
    cgi.stdin.end();
    const timer = setTimeout(() => killProcessGroup(cgi, 'SIGTERM'), ABANDONED_GRACE_MS);
    timer.unref();
    cgi.once('exit', () => clearTimeout(timer));
  });
  req.pipe(cgi.stdin);
  cgi.stdin.on('error', () => {}); // the CGI may exit before reading the whole body (e.g. 404)
  let stderr = '';
  cgi.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let head = Buffer.alloc(0);
  let headersSent = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const separator = head.indexOf('\r\n\r\n');
    if (separator < 0) return;
    headersSent = true;
    let status = 200;
    const headers: OutgoingHttpHeaders = {};
    for (const line of head.subarray(0, separator).toString().split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(separator + 4));
  });
  const finish = () => {
    if (finished) return;
    finished = true;
    options.children.delete(cgi);
    if (!headersSent && !res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(headersSent ? undefined : `git http-backend failed: ${stderr}`);
  };
  cgi.on('close', finish);
  cgi.on('error', finish);
};
