import { describe, expect } from 'vitest';
import { type Case, FLEET, runCases } from './receiver-cases.ts';
import { receiverPath } from './webhook-harness.ts';

// Quay cannot sign and sends no delivery id: the URL is the secret and every request counts.
const RANDOM = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const queued = (...tags: string[]) => ({
  automation: FLEET,
  repositories: ['quay.io/acme/web'],
  deliveryIds: tags.map((tag) =>
    expect.stringMatching(new RegExp(`^apps/quay:${RANDOM}:${tag.replace('.', '\\.')}$`)),
  ),
});

const cases: Case[] = [
  {
    name: 'each updated tag queues the repository (one message per automation, both deliveries)',
    status: 202,
    queued: [queued('latest', 'v1.4.2')],
  },
  {
    name: 'the legacy {tag: image} map is read too',
    fixture: 'legacy-tag-map.json',
    status: 202,
    queued: [queued('v1.4.2')],
  },
  {
    name: 'a resent notification is re-checked (Quay gives no delivery id)',
    fixture: 'legacy-tag-map.json',
    times: 2,
    status: 202,
    queued: [queued('v1.4.2'), queued('v1.4.2')],
  },
  {
    name: 'a redelivery carrying X-Delivery-Id is recognised',
    fixture: 'legacy-tag-map.json',
    headers: { 'x-delivery-id': 'relay-42' },
    times: 2,
    status: 202,
    queued: [
      {
        automation: FLEET,
        repositories: ['quay.io/acme/web'],
        deliveryIds: ['apps/quay:x-delivery-id:relay-42:v1.4.2'],
      },
    ],
  },
  { name: 'a wrong token in the URL is an unknown path', path: receiverPath('quay', 'guess'), status: 404 },
  { name: 'a signature tag is noise', fixture: 'signature-tag.json', status: 202, answer: { ignored: 1 } },
  { name: 'a payload without docker_url is refused', fixture: 'no-docker-url.json', status: 400 },
  { name: 'malformed JSON is refused', fixture: 'malformed.json', status: 400 },
  { name: 'a body over 1 MiB is refused', oversized: true, status: 413 },
  {
    name: 'a non-JSON content type is refused',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
  },
];

describe('quay receiver', () => {
  runCases('quay', cases);
});
