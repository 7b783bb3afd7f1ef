import ssh2, { type Client } from 'ssh2';
import { AuthError, InvalidConfigError, UpstreamError } from '../../domain/errors.ts';
import type { SshCredentials } from '../../ports/git.ts';
import { knownHostName, parseKnownHosts, sshFingerprint } from './known-hosts.ts';
import { parseSshIdentity } from './ssh-identity.ts';
import type { SshUrl } from './ssh-url.ts';

/**
 * One authenticated SSH connection (ssh2, pure JavaScript: it runs on Lambda, which has no `ssh`).
 * The host key is verified against the Secret's `known_hosts` and nothing else: an unknown,
 * changed or revoked key is refused (AuthError, exit 3) naming the host and the SHA256
 * fingerprint it presented. No trust-on-first-use, no host certificates.
 *
 * Only the algorithms of the keys known for the host are offered, as OpenSSH orders its
 * HostKeyAlgorithms by known_hosts: a host with an RSA line is asked for its RSA key, not refused
 * for presenting ed25519.
 */

const HOST_KEY_ALGORITHMS: Readonly<Record<string, readonly string[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

export interface SshConnectOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** ssh2's socket and handshake failures: connection refused, DNS, timeouts. */
const networkFailure = (error: Error & { code?: unknown; level?: unknown }, where: string) => {
  const reason =
    error.level === 'client-timeout'
      ? 'timed out'
      : error.code === 'ECONNREFUSED'
        ? 'connection refused'
        : typeof error.code === 'string'
          ? error.code
          : 'connection failed';
  return new UpstreamError(`${where}: ${reason}`, { cause: error, data: { reason } });
};

export const connectSsh = async (
  target: SshUrl,
  credentials: SshCredentials,
  options: SshConnectOptions,
): Promise<Client> => {
  const where = `ssh ${knownHostName(target.host, target.port)}`;
  const knownHosts = parseKnownHosts(credentials.knownHosts);
  if (knownHosts.size === 0)
    throw new InvalidConfigError(
      `${where}: the Secret's "known_hosts" holds no host key; host keys are always verified`,
    );
  // Parsed here first only for a clear, key-free refusal; ssh2 parses it again from the same text.
  parseSshIdentity(credentials.identity, credentials.password, where);
  const algorithms = [
    ...new Set(
      knownHosts.keysFor(target.host, target.port).flatMap((k) => HOST_KEY_ALGORITHMS[k.type] ?? []),
    ),
  ];
  let refusal: AuthError | undefined;
  const client = new ssh2.Client();
  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    const abort = () => {
      settled = true;
      client.end();
      const reason = options.signal?.reason as { name?: unknown } | undefined;
      reject(
        reason?.name === 'TimeoutError'
          ? new UpstreamError(`${where}: timed out`, { cause: reason, data: { reason: 'timed out' } })
          : reason,
      );
    };
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', abort);
      if (!error) return resolve(client);
      client.end();
      reject(error);
    };
    client.once('ready', () => settle());
    // Kept for the connection's life: a late error (reset, keepalive) must not crash the process;
    // the channels in use then close and their reads fail.
    client.on('error', (error: Error & { level?: unknown }) => {
      if (settled) return;
      if (refusal) return settle(refusal);
      if (error.level === 'client-authentication')
        return settle(
          new AuthError(
            `${where}: the server refused the key for user ${target.username} (authentication failed)`,
            {
              data: { reason: 'authentication failed', host: target.host, port: target.port },
            },
          ),
        );
      settle(networkFailure(error, where));
    });
    client.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      privateKey: credentials.identity,
      ...(credentials.password !== undefined && { passphrase: credentials.password }),
      readyTimeout: options.timeoutMs,
      // A run may rewrite for a while between checkout and push; keep the connection from idling out.
      keepaliveInterval: 15_000,
      ...(algorithms.length > 0 && { algorithms: { serverHostKey: algorithms as never } }),
      hostVerifier: (blob: Buffer) => {
        const verdict = knownHosts.verify(target.host, target.port, blob);
        if (verdict === 'known') return true;
        const fingerprint = sshFingerprint(blob);
        const why =
          verdict === 'unknown'
            ? `host key ${fingerprint} is not in the Secret's "known_hosts" (no trust on first use): add the host's key`
            : verdict === 'revoked'
              ? `host key ${fingerprint} is marked @revoked in the Secret's "known_hosts"`
              : `host key ${fingerprint} does not match the Secret's "known_hosts" (changed host key): check the host, then update known_hosts`;
        refusal = new AuthError(`${where}: ${why}`, {
          data: { reason: `host key ${verdict}`, host: target.host, port: target.port, fingerprint },
        });
        return false;
      },
    });
  });
};
