import { createHmac } from 'node:crypto';
import { describe, expect } from 'vitest';
import { tokenOf } from './fleet-config.ts';
import { type Case, FLEET, runCases } from './receiver-cases.ts';

const DELIVERY = {
  'x-nexus-webhook-id': 'rm:repository:component',
  'x-nexus-webhook-delivery': 'b7e1c3a9-5d2f-4e8b-9a6c-0f1e2d3c4b5a',
};
// The id is a digest of the signed body: X-Nexus-Webhook-Delivery is not covered by the signature.
const ID = expect.stringMatching(/^apps\/nexus:nexus:body:[0-9a-f]{32}$/);
const queued = (repository: string) => ({ automation: FLEET, repositories: [repository], deliveryIds: [ID] });

// Nexus hashes the compact JSON; a pretty-printed body must verify against its compact form.
const pretty = `${JSON.stringify({ action: 'CREATED', repositoryName: 'docker-hosted', component: { format: 'docker', name: 'team/web', version: 'v1.4.2' } }, null, 2)}\n`;
const compactSignature = createHmac('sha1', tokenOf('nexus'))
  .update(JSON.stringify(JSON.parse(pretty)))
  .digest('hex');

const cases: Case[] = [
  {
    name: 'a docker component (port connector) queues the repository',
    headers: DELIVERY,
    status: 202,
    queued: [queued('nexus.example.com:8443/team/web')],
    answer: { accepted: 1 },
  },
  {
    name: 'a docker component under path-based routing queues the repository',
    fixture: 'path-routing.json',
    headers: DELIVERY,
    status: 202,
    queued: [queued('nexus.example.com/docker-hosted/team/api')],
  },
  {
    name: 'a replay (same X-Nexus-Webhook-Delivery) queues nothing more',
    headers: DELIVERY,
    times: 2,
    status: 202,
    queued: [queued('nexus.example.com:8443/team/web')],
    answer: { accepted: 0, duplicates: 1 },
  },
  {
    name: 'a replay of the signed body under another X-Nexus-Webhook-Delivery queues nothing more',
    headers: DELIVERY,
    replayHeaders: { 'x-nexus-webhook-delivery': 'a-header-the-signature-does-not-cover' },
    times: 2,
    status: 202,
    queued: [queued('nexus.example.com:8443/team/web')],
    answer: { accepted: 0, duplicates: 1 },
  },
  {
    name: 'a signature over the compact JSON is accepted',
    body: pretty,
    auth: 'missing',
    headers: { ...DELIVERY, 'x-nexus-webhook-signature': compactSignature },
    status: 202,
    queued: [queued('nexus.example.com:8443/team/web')],
  },
  {
    name: 'without a delivery header, the signed body still identifies the delivery',
    times: 2,
    status: 202,
    queued: [queued('nexus.example.com:8443/team/web')],
    answer: { duplicates: 1 },
  },
  { name: 'a bad signature is refused', auth: 'bad', headers: DELIVERY, status: 401 },
  { name: 'a missing signature is refused', auth: 'missing', headers: DELIVERY, status: 401 },
  {
    name: 'a delete is noise',
    fixture: 'delete.json',
    headers: DELIVERY,
    status: 202,
    answer: { ignored: 1 },
  },
  { name: 'a maven component is noise', fixture: 'maven.json', headers: DELIVERY, status: 202 },
  { name: 'a signature tag is noise', fixture: 'signature-tag.json', headers: DELIVERY, status: 202 },
  {
    name: 'an asset event is noise',
    headers: { ...DELIVERY, 'x-nexus-webhook-id': 'rm:repository:asset' },
    status: 202,
  },
  {
    name: 'a component event without a component is refused',
    fixture: 'no-component.json',
    headers: DELIVERY,
    status: 400,
  },
  { name: 'malformed JSON is refused', fixture: 'malformed.json', headers: DELIVERY, status: 400 },
  { name: 'a body over 1 MiB is refused', oversized: true, headers: DELIVERY, status: 413 },
  { name: 'a non-JSON content type is refused', contentType: 'text/plain', headers: DELIVERY, status: 415 },
  {
    name: 'Nexus’s charset parameter is fine',
    contentType: 'application/json; charset=UTF-8',
    headers: DELIVERY,
    status: 202,
    queued: [queued('nexus.example.com:8443/team/web')],
  },
];

describe('nexus receiver', () => {
  runCases('nexus', cases);
});
