import { describe, expect, it } from 'vitest';
import { verifyGoogleIdToken } from '../../../lib/adapters/webhooks/google-id-token.ts';
import { createJwksKeys, jwksDefaults } from '../../../lib/adapters/webhooks/jwks-keys.ts';
import { googleKeys, PUBSUB_AUDIENCE, PUBSUB_EMAIL, pushClaims, signJwt } from './google-token.ts';

const NOW = new Date('2026-03-20T14:27:10Z');
const keys = googleKeys('rotating-1');
const expected = { audience: PUBSUB_AUDIENCE, email: PUBSUB_EMAIL, now: NOW };
const bearer = (kid = keys.kid, privateKey = keys.privateKey) =>
  `Bearer ${signJwt(pushClaims(NOW), privateKey, { kid })}`;

/** A fetch answering with `documents` in turn (the last one repeats), counting calls. */
const fakeFetch = (...documents: (string | Error)[]) => {
  const calls: string[] = [];
  const fetch = (async (url: string | URL | Request) => {
    calls.push(String(url));
    const next = documents[Math.min(calls.length - 1, documents.length - 1)];
    if (next instanceof Error) throw next;
    return new Response(next, { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
};

describe('Google ID tokens against a JWKS URL', () => {
  it("fetches Google's certs by default and caches them", async () => {
    const { fetch, calls } = fakeFetch(keys.jwks);
    let clock = 0;
    const keysFor = createJwksKeys({ fetch, now: () => clock });
    for (let i = 0; i < 5; i++) {
      expect(await verifyGoogleIdToken(bearer(), {}, keysFor, expected)).toEqual({ ok: true });
      clock += 1000;
    }
    expect(calls).toEqual([jwksDefaults.googleCertsUrl]);
    clock += jwksDefaults.maxAgeMs;
    await verifyGoogleIdToken(bearer(), {}, keysFor, expected);
    expect(calls).toHaveLength(2);
  });

  it('refetches for an unknown key id (a rotation), at most once a minute', async () => {
    const next = googleKeys('rotating-2');
    const { fetch, calls } = fakeFetch(keys.jwks, next.jwks);
    let clock = 0;
    const keysFor = createJwksKeys({ fetch, now: () => clock });
    const secret = { jwksUrl: 'https://keys.example.com/certs' };
    expect((await verifyGoogleIdToken(bearer(), secret, keysFor, expected)).ok).toBe(true);
    clock += 10_000;
    const rotated = bearer(next.kid, next.privateKey);
    expect((await verifyGoogleIdToken(rotated, secret, keysFor, expected)).ok).toBe(false);
    expect(calls).toHaveLength(1);
    clock += jwksDefaults.minRefetchMs;
    expect((await verifyGoogleIdToken(rotated, secret, keysFor, expected)).ok).toBe(true);
    expect(calls).toEqual(['https://keys.example.com/certs', 'https://keys.example.com/certs']);
  });

  it('refuses, without throwing, when the keys cannot be fetched or parsed', async () => {
    for (const answer of [new Error('ECONNRESET'), 'not json', '{"keys":[{"kty":"RSA","n":"x"}]}']) {
      const { fetch } = fakeFetch(answer);
      const result = await verifyGoogleIdToken(bearer(), {}, createJwksKeys({ fetch }), expected);
      expect(result).toEqual({ ok: false, reason: 'no signing key for this token' });
    }
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['two segments', 'Bearer a.b'],
    ['non-base64url segments', 'Bearer a.b+c.d'],
    ['JSON that is not an object', `Bearer ${Buffer.from('1').toString('base64url')}.e30.c2ln`],
    ['alg none', `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.e30.c2ln`],
  ])('refuses %s', async (_name, authorization) => {
    const keysFor = createJwksKeys({ fetch: fakeFetch(keys.jwks).fetch });
    expect((await verifyGoogleIdToken(authorization, {}, keysFor, expected)).ok).toBe(false);
  });

  it('never puts the token into a reason', async () => {
    const keysFor = createJwksKeys({ fetch: fakeFetch(keys.jwks).fetch });
    const token = signJwt(pushClaims(NOW, { aud: 'other' }), keys.privateKey, { kid: keys.kid });
    const result = await verifyGoogleIdToken(`Bearer ${token}`, {}, keysFor, expected);
    expect(result).toEqual({ ok: false, reason: 'token audience does not match' });
  });
});
