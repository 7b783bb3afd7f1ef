import { describe, expect, it } from 'vitest';
import { parseAuthChallenges, pickChallenge } from '../../../lib/adapters/registry/auth-challenge.ts';

describe('parseAuthChallenges', () => {
  it.each([
    ['', []],
    [null, []],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:samalba/my-app:pull,push',
          },
        },
      ],
    ],
    [
      'BEARER Realm = "https://r/token" , Service="s"',
      [{ scheme: 'bearer', params: { realm: 'https://r/token', service: 's' } }],
    ],
    [
      'Bearer realm=https://ghcr.io/token,service=ghcr.io',
      [{ scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io' } }],
    ],
    [
      'Bearer realm="a\\"b\\\\c",error="insufficient_scope"',
      [{ scheme: 'bearer', params: { realm: 'a"b\\c', error: 'insufficient_scope' } }],
    ],
    [
      'Negotiate, Basic realm="r", Bearer realm="https://t/token",scope="repository:a:pull,push"',
      [
        { scheme: 'negotiate', params: {} },
        { scheme: 'basic', params: { realm: 'r' } },
        { scheme: 'bearer', params: { realm: 'https://t/token', scope: 'repository:a:pull,push' } },
      ],
    ],
    ['Negotiate YWJj==', [{ scheme: 'negotiate', params: {}, token68: 'YWJj==' }]],
    ['Basic realm="unterminated', [{ scheme: 'basic', params: { realm: 'unterminated' } }]],
    ['Bearer', [{ scheme: 'bearer', params: {} }]],
  ] as const)('%s', (header, expected) => {
    expect(parseAuthChallenges(header)).toEqual(expected);
  });
});

describe('pickChallenge', () => {
  it('prefers Bearer with a realm, then Basic', () => {
    expect(pickChallenge(parseAuthChallenges('Basic realm="r", Bearer realm="t"'))?.scheme).toBe('bearer');
    expect(pickChallenge(parseAuthChallenges('Bearer service="no-realm", Basic realm="r"'))?.scheme).toBe(
      'basic',
    );
    expect(pickChallenge(parseAuthChallenges('Negotiate'))).toBeUndefined();
  });
});
