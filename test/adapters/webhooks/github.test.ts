import { createHmac } from 'node:crypto';
import { describe, expect } from 'vitest';
import { tokenOf } from './fleet-config.ts';
import { type Case, FLEET, runCases } from './receiver-cases.ts';
import { fixture } from './webhook-harness.ts';

const DELIVERY = '7c1d2e3f-4a5b-11f0-8c6d-0242ac120002';
const event = (name: string, delivery = DELIVERY) => ({
  'x-github-event': name,
  'x-github-delivery': delivery,
});
// The id is a digest of the signed body: X-GitHub-Delivery is not covered by the signature.
const queued = () => ({
  automation: FLEET,
  repositories: ['ghcr.io/acme/web'],
  deliveryIds: [expect.stringMatching(/^apps\/github:github:body:[0-9a-f]{32}$/)],
});
const form = `payload=${encodeURIComponent(new TextDecoder().decode(fixture('github', 'push.json')))}`;
const sha1 = (body: Uint8Array) => `sha1=${createHmac('sha1', tokenOf('github')).update(body).digest('hex')}`;

const cases: Case[] = [
  {
    name: 'a published container version queues ghcr.io',
    headers: event('package'),
    status: 202,
    queued: [queued()],
  },
  {
    name: 'a GitHub App registry_package event counts the same',
    fixture: 'registry-package.json',
    headers: event('registry_package'),
    status: 202,
    queued: [queued()],
  },
  {
    name: 'a form-encoded delivery is verified over the form bytes',
    body: form,
    contentType: 'application/x-www-form-urlencoded',
    headers: event('package'),
    status: 202,
    queued: [queued()],
  },
  {
    name: 'a replay (same X-GitHub-Delivery) queues nothing more',
    headers: event('package'),
    times: 2,
    status: 202,
    queued: [queued()],
    answer: { duplicates: 1 },
  },
  {
    name: 'a replay of the signed body under another X-GitHub-Delivery queues nothing more',
    headers: event('package'),
    replayHeaders: { 'x-github-delivery': 'a-header-the-signature-does-not-cover' },
    times: 2,
    status: 202,
    queued: [queued()],
    answer: { duplicates: 1 },
  },
  { name: 'a bad signature is refused', auth: 'bad', headers: event('package'), status: 401 },
  { name: 'a missing signature is refused', auth: 'missing', headers: event('package'), status: 401 },
  {
    name: 'the legacy SHA-1 signature alone is refused',
    auth: 'missing',
    headers: { ...event('package'), 'x-hub-signature': sha1(fixture('github', 'push.json')) },
    status: 401,
  },
  { name: 'ping is accepted with nothing to do', fixture: 'ping.json', headers: event('ping'), status: 202 },
  {
    name: 'an untagged platform manifest is noise',
    fixture: 'untagged.json',
    headers: event('package'),
    status: 202,
  },
  {
    name: 'a non-container package is noise',
    fixture: 'npm-package.json',
    headers: event('package'),
    status: 202,
  },
  { name: 'another event type is noise', headers: event('push'), status: 202, answer: { ignored: 1 } },
  {
    name: 'a package event without a package is refused',
    fixture: 'no-package.json',
    headers: event('package'),
    status: 400,
  },
  { name: 'malformed JSON is refused', fixture: 'malformed.json', headers: event('package'), status: 400 },
  {
    name: 'a form without a payload field is refused',
    body: 'other=1',
    contentType: 'application/x-www-form-urlencoded',
    headers: event('package'),
    status: 400,
  },
  { name: 'a body over 1 MiB is refused', oversized: true, headers: event('package'), status: 413 },
  {
    name: 'a non-JSON content type is refused',
    contentType: 'text/plain',
    headers: event('package'),
    status: 415,
  },
];

describe('github receiver', () => {
  runCases('github', cases);
});
