import { describe } from 'vitest';
import { derivedDeliveryId } from '../../../lib/adapters/webhooks/delivery-id.ts';
import { type Case, FLEET, runCases } from './receiver-cases.ts';

const WEB = 'sha256:4e9d62b02bc05e96a460820405bb2607762573630283b411c8d034e80ddceb54';
const pushId = (occurAt: number) =>
  `${derivedDeliveryId('apps/harbor:harbor', 'team/web', WEB, String(occurAt))}:v1.4.2`;
const queued = (id: string) => ({
  automation: FLEET,
  repositories: ['harbor.example.com/team/web'],
  deliveryIds: [id],
});

const cases: Case[] = [
  { name: 'a Default-format push queues the repository', status: 202, queued: [queued(pushId(1774016825))] },
  {
    name: 'a CloudEvents-format push queues it with the event id',
    fixture: 'cloudevents.json',
    contentType: 'application/cloudevents+json',
    status: 202,
    queued: [queued('apps/harbor:harbor:6c3e2b1a-0f9d-4e8c-b7a6-5d4c3b2a1f0e:v1.4.2')],
  },
  {
    name: 'a replay (same repository, digest and occur_at) queues nothing more',
    times: 2,
    status: 202,
    queued: [queued(pushId(1774016825))],
    answer: { duplicates: 1 },
  },
  {
    name: 'a later push of the same digest is new work',
    sequence: ['push.json', 'push-later.json'],
    status: 202,
    queued: [queued(pushId(1774016825)), queued(pushId(1774017000))],
  },
  { name: 'a wrong Authorization is refused', auth: 'bad', status: 401 },
  { name: 'a missing Authorization is refused', auth: 'missing', status: 401 },
  {
    name: 'a Bearer prefix the Auth Header does not have is refused',
    auth: 'missing',
    headers: { authorization: 'Bearer harbor-token-0123456789abcdef' },
    status: 401,
  },
  {
    name: 'an untagged artifact (tag = digest) is noise',
    fixture: 'untagged.json',
    status: 202,
    answer: { ignored: 1 },
  },
  { name: 'a pull is noise', fixture: 'pull.json', status: 202 },
  { name: 'a delete is noise', fixture: 'delete.json', status: 202 },
  { name: 'a push without resources is refused', fixture: 'no-resources.json', status: 400 },
  { name: 'malformed JSON is refused', fixture: 'malformed.json', status: 400 },
  { name: 'a body over 1 MiB is refused', oversized: true, status: 413 },
  { name: 'a non-JSON content type is refused', contentType: 'text/xml', status: 415 },
];

describe('harbor receiver', () => {
  runCases('harbor', cases);
});
