import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OpenSSH `known_hosts` (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"), read as Flux reads the Secret's
 * `known_hosts`: host patterns (comma-separated, `*`/`?` wildcards, `!` negation, `[host]:port` for
 * a non-default port), hashed names (`|1|base64(salt)|base64(HMAC-SHA1(salt, name))`), and the
 * `@revoked` marker. `@cert-authority` lines are skipped: host certificates are not accepted, so a
 * host known only through a CA is unknown. There is no trust-on-first-use anywhere: a host key is
 * accepted only when a line names this host with exactly this key.
 */

export interface KnownHostKey {
  /** Key type as written (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, …). */
  readonly type: string;
  /** The public key blob (SSH wire format). */
  readonly blob: Buffer;
}

interface KnownHostLine extends KnownHostKey {
  readonly marker: 'revoked' | undefined;
  readonly matches: (name: string) => boolean;
}

export type HostKeyVerdict = 'known' | 'unknown' | 'changed' | 'revoked';

/** OpenSSH's SHA256 fingerprint: `SHA256:` + unpadded base64 of the blob's SHA-256. */
export const sshFingerprint = (blob: Buffer): string =>
  `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

/** The name known_hosts lines are matched against: `host`, or `[host]:port` when the port is not 22. */
export const knownHostName = (host: string, port: number): string =>
  port === 22 ? host : `[${host}]:${port}`;

const wildcard = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|]/g, '\\$&')))
      .join('')}$`,
    'i',
  );

const hashedMatcher = (entry: string): ((name: string) => boolean) => {
  const [, , salt = '', hash = ''] = entry.split('|');
  const key = Buffer.from(salt, 'base64');
  const expected = Buffer.from(hash, 'base64');
  return (name) => {
    const actual = createHmac('sha1', key).update(name).digest();
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  };
};

const patternMatcher = (field: string): ((name: string) => boolean) => {
  if (field.startsWith('|1|')) return hashedMatcher(field);
  const patterns = field.split(',').filter(Boolean);
  const positive = patterns.filter((p) => !p.startsWith('!')).map(wildcard);
  const negative = patterns.filter((p) => p.startsWith('!')).map((p) => wildcard(p.slice(1)));
  return (name) => !negative.some((re) => re.test(name)) && positive.some((re) => re.test(name));
};

const parseLine = (line: string): KnownHostLine | undefined => {
  const fields = line.trim().split(/\s+/);
  if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return undefined;
  let marker: KnownHostLine['marker'];
  if (fields[0].startsWith('@')) {
    const name = fields.shift();
    if (name !== '@revoked') return undefined; // @cert-authority: certificates are not accepted
    marker = 'revoked';
  }
  const [hosts, type, key] = fields;
  if (!hosts || !type || !key) return undefined;
  const blob = Buffer.from(key, 'base64');
  if (blob.length === 0) return undefined;
  return { marker, type, blob, matches: patternMatcher(hosts) };
};

export interface KnownHosts {
  /** Number of usable lines: zero means the Secret's `known_hosts` holds no host key at all. */
  readonly size: number;
  /** Keys listed for `host`:`port` (not revoked): their types tell the handshake which host key algorithms to offer. */
  keysFor(host: string, port: number): readonly KnownHostKey[];
  verify(host: string, port: number, blob: Buffer): HostKeyVerdict;
}

export const parseKnownHosts = (text: string): KnownHosts => {
  const lines = text
    .split(/\r?\n/)
    .map(parseLine)
    .filter((line): line is KnownHostLine => line !== undefined);
  const linesFor = (host: string, port: number) => {
    const name = knownHostName(host, port);
    return lines.filter((line) => line.matches(name));
  };
  return {
    size: lines.length,
    keysFor: (host, port) => linesFor(host, port).filter((line) => line.marker !== 'revoked'),
    verify: (host, port, blob) => {
      const matching = linesFor(host, port);
      const same = matching.filter((line) => line.blob.equals(blob));
      if (same.some((line) => line.marker === 'revoked')) return 'revoked';
      if (same.length > 0) return 'known';
      return matching.some((line) => line.marker !== 'revoked') ? 'changed' : 'unknown';
    },
  };
};
