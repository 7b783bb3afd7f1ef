import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

/** jose's remote key set measures its cache age on `Date.now()`: move that clock, nothing else. */
const START = Date.parse('2026-03-20T14:27:00Z');
const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

describe('Google ID tokens against a JWKS URL', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(START);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fetches Google's certs by default and caches them", async () => {
    const { fetch, calls } = fakeFetch(keys.jwks);
    const keysFor = createJwksKeys({ fetch });
    for (let i = 0; i < 5; i++) {
      expect(await verifyGoogleIdToken(bearer(), {}, keysFor, expected)).toEqual({ ok: true });
      advance(1000);
    }
    expect(calls).toEqual([jwksDefaults.googleCertsUrl]);
    advance(jwksDefaults.maxAgeMs);
    await verifyGoogleIdToken(bearer(), {}, keysFor, expected);
    expect(calls).toHaveLength(2);
  });

  it('refetches for an unknown key id (a rotation), at most once a minute', async () => {
    const next = googleKeys('rotating-2');
    const { fetch, calls } = fakeFetch(keys.jwks, next.jwks);
    const keysFor = createJwksKeys({ fetch });
    const secret = { jwksUrl: 'https://keys.example.com/certs' };
    expect((await verifyGoogleIdToken(bearer(), secret, keysFor, expected)).ok).toBe(true);
    advance(10_000);
    const rotated = bearer(next.kid, next.privateKey);
    expect((await verifyGoogleIdToken(rotated, secret, keysFor, expected)).ok).toBe(false);
    expect(calls).toHaveLength(1);
    advance(jwksDefaults.minRefetchMs);
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

describe('Google ID tokens against an inline JWKS: every refusal names its check', () => {
  const inline = { jwks: keys.jwks };
  const keysFor = createJwksKeys({ fetch: fakeFetch(new Error('no fetch for inline keys')).fetch });
  const seconds = Math.floor(NOW.getTime() / 1000);
  const signed = (claims: Record<string, unknown>, header: Record<string, unknown> = { kid: keys.kid }) =>
    `Bearer ${signJwt(pushClaims(NOW, claims), keys.privateKey, header)}`;
  const withoutClaim = (name: string) => {
    const { [name as 'iat']: _dropped, ...rest } = pushClaims(NOW);
    return `Bearer ${signJwt(rest, keys.privateKey, { kid: keys.kid })}`;
  };
  const hmacWithPublicKey = () => {
    const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: keys.kid })).toString('base64url')}.${Buffer.from(JSON.stringify(pushClaims(NOW))).toString('base64url')}`;
    const pem = keys.publicKey.export({ format: 'pem', type: 'spki' });
    return `Bearer ${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
  };

  it.each([
    ['another issuer', signed({ iss: 'https://evil.example' }), 'token issuer is not Google'],
    ['no issuer', withoutClaim('iss'), 'token issuer is not Google'],
    ['another audience', signed({ aud: 'https://other.example' }), 'token audience does not match'],
    ['another service account', signed({ email: 'someone@evil.example' }), 'token email does not match'],
    ['an unverified email', signed({ email_verified: false }), 'token email not verified'],
    ['expired beyond the skew', signed({ exp: seconds - 61 }), 'token expired'],
    ['no expiry', withoutClaim('exp'), 'token expired'],
    ['issued in the future beyond the skew', signed({ iat: seconds + 61 }), 'token issued in the future'],
    ['no issue time', withoutClaim('iat'), 'token issued in the future'],
    ['not yet valid beyond the skew', signed({ nbf: seconds + 61 }), 'token not yet valid'],
    ['an unknown key id', signed({}, { kid: 'other-key' }), 'no signing key for this token'],
    ['HS256 keyed with the public key', hmacWithPublicKey(), 'token is not RS256-signed'],
    [
      'alg none',
      `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.e30.`,
      'token is not RS256-signed',
    ],
    [
      'a signature by another key',
      `Bearer ${signJwt(pushClaims(NOW), googleKeys().privateKey, { kid: keys.kid })}`,
      'token signature does not verify',
    ],
    ['a token over 16 KiB', signed({ pad: 'x'.repeat(16 * 1024) }), 'malformed token'],
  ])('refuses %s', async (_name, authorization, reason) => {
    expect(await verifyGoogleIdToken(authorization, inline, keysFor, expected)).toEqual({
      ok: false,
      reason,
    });
  });

  it.each([
    [
      'exp, iat and nbf within the 60 s skew',
      signed({ exp: seconds - 59, iat: seconds + 59, nbf: seconds + 59 }),
    ],
    ['email_verified written as the string "true"', signed({ email_verified: 'true' })],
    ['an audience list holding the audience', signed({ aud: ['https://other.example', expected.audience] })],
  ])('accepts %s', async (_name, authorization) => {
    expect(await verifyGoogleIdToken(authorization, inline, keysFor, expected)).toEqual({ ok: true });
  });

  it('tries every key for a token without a key id, and refuses when none signed it', async () => {
    const other = googleKeys('other');
    const both = JSON.stringify({ keys: [...JSON.parse(other.jwks).keys, ...JSON.parse(keys.jwks).keys] });
    const secret = { jwks: both };
    expect(await verifyGoogleIdToken(signed({}, {}), secret, keysFor, expected)).toEqual({ ok: true });
    const stranger = `Bearer ${signJwt(pushClaims(NOW), googleKeys().privateKey)}`;
    expect(await verifyGoogleIdToken(stranger, secret, keysFor, expected)).toEqual({
      ok: false,
      reason: 'token signature does not verify',
    });
  });

  it('refuses when the inline keys are not a key set', async () => {
    for (const jwks of ['not json', '{"keys":"none"}', '[]']) {
      expect(await verifyGoogleIdToken(signed({}), { jwks }, keysFor, expected)).toEqual({
        ok: false,
        reason: 'no signing key for this token',
      });
    }
  });

  it('refuses a key document over 256 KiB', async () => {
    const huge = JSON.stringify({ keys: JSON.parse(keys.jwks).keys, pad: 'x'.repeat(jwksDefaults.maxBytes) });
    const result = await verifyGoogleIdToken(
      signed({}),
      {},
      createJwksKeys({ fetch: fakeFetch(huge).fetch }),
      expected,
    );
    expect(result).toEqual({ ok: false, reason: 'no signing key for this token' });
  });
});
