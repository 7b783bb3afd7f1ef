import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import type { Client, ClientChannel } from 'ssh2';
import { AuthError, NotFoundError, UpstreamError } from '../../domain/errors.ts';
import type { SshCredentials } from '../../ports/git.ts';
import { knownHostName } from './known-hosts.ts';
import { parseSshUrl, remoteGitCommand } from './ssh-url.ts';

/**
 * Git over SSH as an isomorphic-git HttpClient: the pack protocol is the same over both transports
 * (gitprotocol-pack(5)); only the framing differs. `GET …/info/refs?service=S` runs `S '<path>'` on
 * an SSH exec channel and answers with the ref advertisement, shaped as smart HTTP's (the
 * `# service=` line first); the following `POST …/S` writes its body to that same channel and
 * answers with everything the remote sends until it exits. The body of a stateless-RPC request is
 * the whole conversation (wants + `done`, or commands + pack), so the stateful SSH side needs no
 * other turn. The native shallow fetch and isomorphic-git's push and fetch run on top unchanged.
 *
 * One session = one SSH connection, opened on first use and reused by every request (checkout,
 * push, the equivalence fetch) until `close()`.
 */

export interface SshGitSession {
  /** The URL to give isomorphic-git and the native fetch (it only routes requests to this session). */
  readonly url: string;
  readonly http: HttpClient;
  close(): Promise<void>;
}

type Service = 'git-upload-pack' | 'git-receive-pack';

/** Everything a channel sent so far, and a way to wait for more. */
interface ChannelOutput {
  readonly channel: ClientChannel;
  stdout: Buffer;
  stderr: string;
  closed: boolean;
  exitCode: number | undefined;
  wait(): Promise<void>;
}

const STDERR_LIMIT = 4096;

const watchChannel = (channel: ClientChannel): ChannelOutput => {
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const output: ChannelOutput = {
    channel,
    stdout: Buffer.alloc(0),
    stderr: '',
    closed: false,
    exitCode: undefined,
    wait: () => (output.closed ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve))),
  };
  channel.on('data', (chunk: Buffer) => {
    output.stdout = Buffer.concat([output.stdout, chunk]);
    notify();
  });
  channel.stderr.on('data', (chunk: Buffer) => {
    if (output.stderr.length < STDERR_LIMIT) output.stderr += chunk.toString('utf8');
  });
  channel.on('exit', (code: number | null) => {
    output.exitCode = code ?? undefined;
  });
  channel.on('close', () => {
    output.closed = true;
    notify();
  });
  return output;
};

/** Offset just past the flush-pkt ending the ref advertisement, or -1 while it is incomplete. */
const advertisementEnd = (bytes: Buffer): number => {
  for (let offset = 0; offset + 4 <= bytes.length; ) {
    const length = Number.parseInt(bytes.toString('latin1', offset, offset + 4), 16);
    if (Number.isNaN(length)) return -2;
    if (length === 0) return offset + 4;
    offset += length;
  }
  return -1;
};

const pktLine = (text: string) => Buffer.from(`${(text.length + 4).toString(16).padStart(4, '0')}${text}`);

export const openSshGitSession = (
  url: string,
  credentials: SshCredentials,
  options: { readonly timeoutMs: number },
): SshGitSession => {
  const target = parseSshUrl(url);
  const where = `ssh ${knownHostName(target.host, target.port)}${target.path.startsWith('/') ? '' : '/'}${target.path}`;
  let connection: Promise<Client> | undefined;
  let closed = false;
  const pending = new Map<Service, ChannelOutput>();

  const client = (signal?: AbortSignal) => {
    if (closed) throw new UpstreamError(`${where}: the SSH session was closed`);
    // ssh2 loads on the first SSH connection only: never on an HTTPS-only or webhook cold start.
    connection ??= import('./ssh-connection.ts').then(({ connectSsh }) =>
      connectSsh(target, credentials, { timeoutMs: options.timeoutMs, signal }),
    );
    // A failed connection is not cached: the next operation (a retry) dials again.
    connection.catch(() => {
      connection = undefined;
    });
    return connection;
  };

  const open = (ssh: Client, service: Service) =>
    new Promise<ChannelOutput>((resolve, reject) => {
      try {
        ssh.exec(remoteGitCommand(service, target.path), (error, channel) =>
          error ? reject(error) : resolve(watchChannel(channel)),
        );
      } catch (error) {
        reject(error); // ssh2 throws when the connection is already gone
      }
    });

  /** A channel on the session's connection; one that the host dropped meanwhile (idle) is dialled again, once. */
  const exec = async (service: Service, signal?: AbortSignal): Promise<ChannelOutput> => {
    const ssh = await client(signal);
    try {
      return await open(ssh, service);
    } catch {
      if (connection) await connection.then((dead) => dead.end()).catch(() => undefined);
      connection = undefined;
      return open(await client(signal), service).catch((error: unknown) => {
        throw new UpstreamError(`${where}: ${service} could not start`, { cause: error });
      });
    }
  };

  /** The remote exited without speaking: its stderr says why (git's, GitHub's and GitLab's wording). */
  const failure = (output: ChannelOutput, service: Service) => {
    const said = output.stderr.trim().split('\n')[0]?.slice(0, 200) ?? '';
    const data = { service, exitCode: output.exitCode, reason: said };
    // git: "does not appear to be a git repository"; GitHub: "Repository not found."; GitLab: "could
    // not be found or you don't have permission"; a read-only deploy key: "Permission to … denied".
    if (/not appear to be a git repository|not found|could not be found|does not exist|no such/i.test(said))
      return new NotFoundError(`${where}: repository not found (${said})`, { data });
    if (/permission|denied|not allowed|read.only/i.test(said))
      return new AuthError(`${where}: ${service} refused (${said})`, { data });
    return new UpstreamError(
      `${where}: ${service} exited ${output.exitCode ?? '?'}${said ? ` (${said})` : ''}`,
      {
        data,
      },
    );
  };

  const untilAborted = async <T>(work: Promise<T>, output: ChannelOutput, signal?: AbortSignal) => {
    if (!signal) return work;
    const onAbort = () => output.channel.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await work;
      signal.throwIfAborted();
      return result;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };

  const readAdvertisement = async (output: ChannelOutput, service: Service): Promise<Buffer> => {
    for (;;) {
      const end = advertisementEnd(output.stdout);
      if (end === -2) throw new UpstreamError(`${where}: ${service} did not answer in pkt-lines`);
      if (end > 0) {
        const advertisement = output.stdout.subarray(0, end);
        output.stdout = output.stdout.subarray(end);
        return advertisement;
      }
      if (output.closed) throw failure(output, service);
      await output.wait();
    }
  };

  const readToEnd = async (output: ChannelOutput): Promise<Buffer> => {
    while (!output.closed) await output.wait();
    return output.stdout;
  };

  const respond = (request: GitHttpRequest, body: Buffer, type: string): GitHttpResponse => ({
    url: request.url,
    method: request.method,
    statusCode: 200,
    statusMessage: 'OK',
    headers: { 'content-type': type },
    body: (async function* () {
      yield new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    })(),
  });

  const discover = async (request: GitHttpRequest, service: Service): Promise<GitHttpResponse> => {
    pending.get(service)?.channel.close();
    const output = await exec(service, request.signal);
    const advertisement = await untilAborted(readAdvertisement(output, service), output, request.signal);
    pending.set(service, output);
    const body = Buffer.concat([pktLine(`# service=${service}\n`), Buffer.from('0000'), advertisement]);
    return respond(request, body, `application/x-${service}-advertisement`);
  };

  const rpc = async (request: GitHttpRequest, service: Service): Promise<GitHttpResponse> => {
    let output = pending.get(service);
    pending.delete(service);
    if (!output) {
      output = await exec(service, request.signal);
      await readAdvertisement(output, service);
    }
    for await (const chunk of (request.body ?? []) as AsyncIterable<Uint8Array>) output.channel.write(chunk);
    output.channel.end();
    const answer = await untilAborted(readToEnd(output), output, request.signal);
    if (answer.length === 0) throw failure(output, service);
    return respond(request, answer, `application/x-${service}-result`);
  };

  const request: HttpClient['request'] = async (request) => {
    const path = new URL(request.url).pathname + new URL(request.url).search;
    const advertised = /\/info\/refs\?service=(git-upload-pack|git-receive-pack)$/.exec(path)?.[1];
    if (request.method === 'GET' && advertised) return discover(request, advertised as Service);
    const called = /\/(git-upload-pack|git-receive-pack)$/.exec(path)?.[1];
    if (request.method === 'POST' && called) return rpc(request, called as Service);
    throw new UpstreamError(`${where}: no SSH equivalent for ${request.method} ${path}`);
  };

  return {
    url: `http://ssh.invalid${target.path.startsWith('/') ? '' : '/'}${encodeURI(target.path)}`,
    http: { request },
    close: async () => {
      closed = true;
      for (const output of pending.values()) output.channel.close();
      pending.clear();
      const open = connection;
      connection = undefined;
      if (open) await open.then((ssh) => ssh.end()).catch(() => undefined);
    },
  };
};
