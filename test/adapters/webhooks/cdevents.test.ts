import { describe } from 'vitest';
import { type Case, FLEET, runCases } from './receiver-cases.ts';

const ID = 'a3f1c7e9-4b2d-4e6f-8a0c-1d3e5f7a9b2c';
const binary = (type = 'dev.cdevents.artifact.published.0.3.0') => ({
  'ce-specversion': '1.0',
  'ce-id': ID,
  'ce-source': '/ci/acme/api',
  'ce-type': type,
});
const queued = (id = ID) => ({
  automation: FLEET,
  repositories: ['ghcr.io/acme/api'],
  deliveryIds: [`apps/cdevents:cdevents:${id}`],
});

const cases: Case[] = [
  {
    name: 'a binary-mode artifact.published queues the repository',
    headers: binary(),
    status: 202,
    queued: [queued()],
  },
  {
    name: 'a structured-mode artifact.published queues the repository',
    fixture: 'structured.json',
    contentType: 'application/cloudevents+json',
    status: 202,
    queued: [queued('c0ffee00-1111-4222-8333-444455556666')],
  },
  { name: 'the CDEvent context names the type when ce-type is absent', status: 202, queued: [queued()] },
  {
    name: 'a replay (same ce-id) queues nothing more',
    headers: binary(),
    times: 2,
    status: 202,
    queued: [queued()],
  },
  {
    name: 'a replay under another ce-id is recognised by the CDEvent context.id in the body',
    headers: binary(),
    replayHeaders: { 'ce-id': 'replayed-under-a-new-header' },
    times: 2,
    status: 202,
    queued: [queued()],
    answer: { duplicates: 1 },
  },
  { name: 'a wrong bearer token is refused', auth: 'bad', headers: binary(), status: 401 },
  { name: 'a missing Authorization header is refused', auth: 'missing', headers: binary(), status: 401 },
  {
    name: 'another CDEvent type is noise',
    headers: binary('dev.cdevents.artifact.packaged.0.2.0'),
    fixture: 'packaged.json',
    status: 202,
    answer: { ignored: 1 },
  },
  {
    name: 'an artifact without a tag qualifier is noise',
    fixture: 'no-tag.json',
    headers: binary(),
    status: 202,
  },
  { name: 'a non-OCI purl is noise', fixture: 'npm-purl.json', headers: binary(), status: 202 },
  {
    name: 'an artifact.published without subject is refused',
    fixture: 'no-subject.json',
    headers: binary(),
    status: 400,
  },
  { name: 'malformed JSON is refused', fixture: 'malformed.json', headers: binary(), status: 400 },
  { name: 'a body over 1 MiB is refused', oversized: true, headers: binary(), status: 413 },
  {
    name: 'a CloudEvents batch is refused as an unsupported format',
    contentType: 'application/cloudevents-batch+json',
    status: 415,
  },
];

describe('cdevents receiver', () => {
  runCases('cdevents', cases);
});
