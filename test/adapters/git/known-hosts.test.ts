import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { knownHostName, parseKnownHosts, sshFingerprint } from '../../../lib/adapters/git/known-hosts.ts';
import { parseSshUrl, remoteGitCommand } from '../../../lib/adapters/git/ssh-url.ts';

/** A fake SSH key blob: only its bytes matter to known_hosts matching. */
const blob = (seed: string) => createHash('sha256').update(seed).digest();
const b64 = (seed: string) => blob(seed).toString('base64');
const hashed = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('known_hosts matching (OpenSSH format)', () => {
  const text = [
    '# comment',
    '',
    `github.com,140.82.121.3 ssh-ed25519 ${b64('github')}`,
    `[git.example.com]:2222 ssh-ed25519 ${b64('example-2222')}`,
    `*.corp.example,!bad.corp.example ecdsa-sha2-nistp256 ${b64('corp')}`,
    `${hashed('[hashed.example]:7999')} ssh-rsa ${b64('hashed')}`,
    `@revoked * ssh-ed25519 ${b64('stolen')}`,
    `@cert-authority *.example.com ssh-ed25519 ${b64('ca')}`,
    'garbage line',
  ].join('\n');
  const known = parseKnownHosts(text);

  it.each([
    ['a plain name', 'github.com', 22, 'github', 'known'],
    ['an address in a comma list', '140.82.121.3', 22, 'github', 'known'],
    ['another key for a listed host', 'github.com', 22, 'impostor', 'changed'],
    ['a listed host on another port', 'github.com', 2222, 'github', 'unknown'],
    ['[host]:port on its port', 'git.example.com', 2222, 'example-2222', 'known'],
    ['[host]:port on port 22', 'git.example.com', 22, 'example-2222', 'unknown'],
    ['a wildcard pattern', 'git.corp.example', 22, 'corp', 'known'],
    ['a negated name under a wildcard', 'bad.corp.example', 22, 'corp', 'unknown'],
    ['a hashed [host]:port', 'hashed.example', 7999, 'hashed', 'known'],
    ['a hashed host with another key', 'hashed.example', 7999, 'other', 'changed'],
    ['a hashed host on another port', 'hashed.example', 22, 'hashed', 'unknown'],
    ['a revoked key, even where another key is listed', 'github.com', 22, 'stolen', 'revoked'],
    ['a host known only through a CA (certificates are not accepted)', 'x.example.com', 22, 'ca', 'unknown'],
  ] as const)('%s', (_, host, port, key, verdict) => {
    expect(known.verify(host, port, blob(key))).toBe(verdict);
  });

  it('lists the key types known for a host (the handshake offers only those), not revoked ones', () => {
    expect(known.keysFor('hashed.example', 7999).map((k) => k.type)).toEqual(['ssh-rsa']);
    expect(known.keysFor('github.com', 22).map((k) => k.type)).toEqual(['ssh-ed25519']);
    expect(known.keysFor('nowhere.example', 22)).toEqual([]);
    expect(parseKnownHosts('# nothing\n\n').size).toBe(0);
  });

  it('names hosts and fingerprints keys as OpenSSH does', () => {
    expect(knownHostName('h', 22)).toBe('h');
    expect(knownHostName('h', 2222)).toBe('[h]:2222');
    // `ssh-keygen -lf` of GitHub's published ed25519 key.
    const github = Buffer.from(
      'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
      'base64',
    );
    expect(sshFingerprint(github)).toBe('SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU');
  });
});

describe('ssh:// URLs', () => {
  it.each([
    ['ssh://git@github.com/org/fleet', { host: 'github.com', port: 22, username: 'git', path: '/org/fleet' }],
    [
      'ssh://deploy@127.0.0.1:2222/srv/git/a.git',
      { host: '127.0.0.1', port: 2222, username: 'deploy', path: '/srv/git/a.git' },
    ],
    [
      'ssh://host.example/~alice/repo.git',
      { host: 'host.example', port: 22, username: 'git', path: '~alice/repo.git' },
    ],
    ['ssh://git@[::1]:2200/r.git', { host: '::1', port: 2200, username: 'git', path: '/r.git' }],
  ])('%s', (url, expected) => {
    expect(parseSshUrl(url)).toEqual(expected);
  });

  it('quotes the path for the remote shell as git does', () => {
    expect(remoteGitCommand('git-upload-pack', "/srv/it's.git")).toBe(`git-upload-pack '/srv/it'\\''s.git'`);
  });
});
