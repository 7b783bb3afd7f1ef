import { describe } from 'vitest';
import { type Case, FLEET, runCases } from './receiver-cases.ts';

const queued = {
  automation: FLEET,
  repositories: ['acme.azurecr.io/team/web'],
  deliveryIds: ['apps/acr:acr:5f0e2c9b-7d41-4a3e-8b6c-1e2d3f4a5b6c'],
};

/** A chart of ACR's legacy Helm repository (`az acr helm push`), as ACR reports it: no OCI image. */
const chartPush = (request: object = {}) =>
  JSON.stringify({
    id: '0b7c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d',
    timestamp: '2026-03-20T14:27:05Z',
    action: 'chart_push',
    target: {
      mediaType: 'application/vnd.acr.helm.chart',
      repository: 'repo',
      tag: 'web-1.4.2.tgz',
      name: 'web',
      version: '1.4.2.tgz',
    },
    ...request,
  });

const cases: Case[] = [
  { name: 'a tagged push queues the repository', status: 202, queued: [queued] },
  {
    name: 'a replay (same event id) queues nothing more',
    times: 2,
    status: 202,
    queued: [queued],
    answer: { duplicates: 1 },
  },
  { name: 'a wrong bearer token is refused', auth: 'bad', status: 401 },
  { name: 'a missing Authorization header is refused', auth: 'missing', status: 401 },
  {
    name: 'the bare token without the Bearer scheme is refused',
    auth: 'missing',
    headers: { authorization: 'acr-token-0123456789abcdef' },
    status: 401,
  },
  { name: 'ping is accepted with nothing to do', fixture: 'ping.json', status: 202, answer: { ignored: 1 } },
  { name: 'a digest-only push is noise', fixture: 'untagged.json', status: 202 },
  { name: 'a delete is noise', fixture: 'delete.json', status: 202 },
  { name: 'a push without request.host is refused', fixture: 'no-host.json', status: 400 },
  {
    name: 'a legacy Helm repository chart_push (no request.host) is accepted with nothing to do',
    body: chartPush(),
    status: 202,
    answer: { ignored: 1 },
  },
  {
    name: 'a chart_push naming a host still names no OCI image: nothing to do',
    body: chartPush({ request: { host: 'acme.azurecr.io', method: 'PUT' } }),
    status: 202,
    answer: { ignored: 1 },
  },
  { name: 'malformed JSON is refused', fixture: 'malformed.json', status: 400 },
  { name: 'a body over 1 MiB is refused', oversized: true, status: 413 },
  { name: 'a non-JSON content type is refused', contentType: 'text/plain', status: 415 },
];

describe('acr receiver', () => {
  runCases('acr', cases);
});
