import { describe } from 'vitest';
import { pushClaims, signJwt } from './google-token.ts';
import { type Case, FLEET, runCases } from './receiver-cases.ts';
import { google, NOW } from './webhook-harness.ts';

const queued = {
  automation: FLEET,
  repositories: ['europe-docker.pkg.dev/acme-prod/images/web'],
  deliveryIds: ['apps/gcr:pubsub:17284930517263'],
};
const bearer = (claims: Record<string, unknown>, header: Record<string, unknown> = { kid: google.kid }) => ({
  authorization: `Bearer ${signJwt(pushClaims(NOW, claims), google.privateKey, header)}`,
});
const refusedWith = (
  name: string,
  claims: Record<string, unknown>,
  header?: Record<string, unknown>,
): Case => ({
  name,
  auth: 'missing',
  headers: bearer(claims, header),
  status: 401,
});
const seconds = Math.floor(NOW.getTime() / 1000);

const cases: Case[] = [
  { name: 'a tag insert queues the repository', status: 202, queued: [queued] },
  {
    name: 'a token from the bare issuer spelling is accepted',
    auth: 'missing',
    headers: bearer({ iss: 'accounts.google.com' }),
    status: 202,
    queued: [queued],
  },
  {
    name: 'a redelivery (same messageId) queues nothing more',
    times: 2,
    status: 202,
    queued: [queued],
    answer: { duplicates: 1 },
  },
  { name: 'a token for another audience is refused', auth: 'bad', status: 401 },
  { name: 'a missing token is refused', auth: 'missing', status: 401 },
  refusedWith('a token for another service account is refused', { email: 'someone@evil.example' }),
  refusedWith('a token with an unverified email is refused', { email_verified: false }),
  refusedWith('a token from another issuer is refused', { iss: 'https://evil.example' }),
  refusedWith('an expired token is refused', { exp: seconds - 120 }),
  refusedWith('a token issued in the future is refused', { iat: seconds + 600 }),
  refusedWith('a token not yet valid is refused', { nbf: seconds + 600 }),
  refusedWith('a token signed by an unknown key id is refused', {}, { kid: 'other-key' }),
  refusedWith('a token claiming another algorithm is refused', {}, { kid: google.kid, alg: 'HS256' }),
  {
    name: 'a token signed by another key is refused',
    auth: 'missing',
    headers: {
      authorization:
        'Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3Qta2V5LTEifQ.eyJpc3MiOiJhY2NvdW50cy5nb29nbGUuY29tIn0.c2lnbmF0dXJl',
    },
    status: 401,
  },
  { name: 'a delete is noise', fixture: 'delete.json', status: 202, answer: { ignored: 1 } },
  { name: 'a digest-only insert is noise', fixture: 'digest-only.json', status: 202 },
  { name: 'data that is not base64 is refused', fixture: 'data-not-base64.json', status: 400 },
  { name: 'data that is not JSON is refused', fixture: 'data-not-json.json', status: 400 },
  { name: 'an unwrapped push body is refused', fixture: 'unwrapped.json', status: 400 },
  { name: 'malformed JSON is refused', fixture: 'malformed.json', status: 400 },
  { name: 'a body over 1 MiB is refused', oversized: true, status: 413 },
  { name: 'a non-JSON content type is refused', contentType: 'text/plain', status: 415 },
];

describe('gcr receiver', () => {
  runCases('gcr', cases);
});
