import { describe } from 'vitest';
import { derivedDeliveryId } from '../../../lib/adapters/webhooks/delivery-id.ts';
import { type Case, FLEET, runCases } from './receiver-cases.ts';
import { receiverPath } from './webhook-harness.ts';

// Docker Hub cannot sign: the hook URL is the secret, so "bad signature" is a URL with a wrong token.
const pushId = (pushedAt: string) =>
  derivedDeliveryId('apps/dockerhub:dockerhub', 'acme/web', 'v1.4.2', pushedAt);
const web = (pushedAt: string) => ({
  automation: FLEET,
  repositories: ['index.docker.io/acme/web'],
  deliveryIds: [pushId(pushedAt)],
});

const cases: Case[] = [
  { name: 'a tag push queues its repository', status: 202, queued: [web('2026-03-20T14:27:05.000Z')] },
  {
    name: 'a replay (same repo, tag and pushed_at) is accepted and queues nothing more',
    times: 3,
    status: 202,
    queued: [web('2026-03-20T14:27:05.000Z')],
    answer: { accepted: 0, duplicates: 1 },
  },
  {
    name: 'a wrong token in the URL is an unknown path',
    path: receiverPath('dockerhub', 'guess'),
    status: 404,
  },
  { name: 'a signature tag is noise', fixture: 'signature-tag.json', status: 202, answer: { ignored: 1 } },
  {
    name: 'a repository the receiver does not list is accepted and unmatched',
    fixture: 'other-repository.json',
    status: 202,
    answer: { unmatched: 1 },
  },
  { name: 'malformed JSON is refused', fixture: 'malformed.json', status: 400 },
  { name: 'a payload without repo_name is refused', fixture: 'no-repository.json', status: 400 },
  { name: 'a body over 1 MiB is refused', oversized: true, status: 413 },
  { name: 'a non-JSON content type is refused', contentType: 'text/plain', status: 415 },
];

describe('dockerhub receiver', () => {
  runCases('dockerhub', cases);
});
