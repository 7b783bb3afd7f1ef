import { describe } from 'vitest';
import { type Case, FLEET, runCases } from './receiver-cases.ts';

const queued = {
  automation: FLEET,
  repositories: ['123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/web'],
  deliveryIds: ['apps/ecr:ecr:1f6e3d2c-9b8a-4c7d-8e6f-5a4b3c2d1e0f'],
};

const cases: Case[] = [
  { name: 'a tagged push queues the repository', status: 202, queued: [queued] },
  {
    name: 'a replay (same EventBridge id) queues nothing more',
    times: 2,
    status: 202,
    queued: [queued],
    answer: { duplicates: 1 },
  },
  { name: 'a bad signature is refused', auth: 'bad', status: 401 },
  { name: 'a missing signature is refused', auth: 'missing', status: 401 },
  {
    name: 'an untagged child manifest is noise',
    fixture: 'untagged-child.json',
    status: 202,
    answer: { ignored: 1 },
  },
  { name: 'a delete is noise', fixture: 'delete.json', status: 202 },
  { name: 'a scan event is noise', fixture: 'scan.json', status: 202 },
  {
    name: 'a body that is not an EventBridge event is refused',
    fixture: 'not-eventbridge.json',
    status: 400,
  },
  { name: 'malformed JSON is refused', fixture: 'malformed.json', status: 400 },
  { name: 'a body over 1 MiB is refused', oversized: true, status: 413 },
  { name: 'a non-JSON content type is refused', contentType: 'text/plain', status: 415 },
];

describe('ecr receiver (local mode)', () => {
  runCases('ecr', cases);
});
