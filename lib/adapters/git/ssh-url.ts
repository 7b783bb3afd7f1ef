/**
 * `ssh://[user@]host[:port]/path`, as Flux's GitRepository accepts it (the CRD pattern refuses the
 * scp-like `user@host:path`; the decoder says how to rewrite one). The remote command gets the path
 * as git itself sends it (connect.c): `/path`, or `~user/path` without the leading slash.
 */

export interface SshUrl {
  readonly host: string;
  readonly port: number;
  /** Default `git`, the user of every forge's deploy keys. */
  readonly username: string;
  /** What `git-upload-pack '<path>'` is given. */
  readonly path: string;
}

export const isSshUrl = (url: string): boolean => /^ssh:\/\//i.test(url);

export const parseSshUrl = (url: string): SshUrl => {
  const parsed = new URL(url);
  if (parsed.protocol !== 'ssh:') throw new Error(`not an ssh:// URL: ${parsed.protocol}`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const path = decodeURIComponent(parsed.pathname);
  return {
    host,
    port: parsed.port === '' ? 22 : Number(parsed.port),
    username: parsed.username === '' ? 'git' : decodeURIComponent(parsed.username),
    path: path.startsWith('/~') ? path.slice(1) : path,
  };
};

/** A remote command with the path single-quoted as git's sq_quote_buf does. */
export const remoteGitCommand = (service: 'git-upload-pack' | 'git-receive-pack', path: string): string =>
  `${service} '${path.replace(/'/g, `'\\''`)}'`;
