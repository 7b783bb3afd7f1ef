import { createHmac } from 'node:crypto';
import { describe } from 'vitest';
import { tokenOf } from './fleet-config.ts';
import { type Case, FLEET, runCases } from './receiver-cases.ts';
import { fixture } from './webhook-harness.ts';

const DELIVERY = { 'x-request-id': 'jfrog-evt-0001' };
const ID = 'apps/artifactory:x-request-id:jfrog-evt-0001';
const queued = (repository: string) => ({ automation: FLEET, repositories: [repository], deliveryIds: [ID] });
const web = queued('acme.jfrog.io/docker-local/team/web');
const hmac = (algorithm: string, key = tokenOf('artifactory')) =>
  createHmac(algorithm, key).update(fixture('artifactory', 'push.json')).digest('hex');
const signed = (value: string) => ({ ...DELIVERY, 'x-jfrog-event-auth': value });

/** The event data without the envelope, as JFrog's documentation shows it: no host. */
const bare = (() => {
  const { data } = JSON.parse(new TextDecoder().decode(fixture('artifactory', 'push.json')));
  return JSON.stringify(data);
})();

const cases: Case[] = [
  {
    name: 'the event data without its envelope is a push matched by path among the resources',
    body: bare,
    headers: DELIVERY,
    status: 202,
    queued: [web],
  },
  {
    name: 'a docker push (plain secret) queues the repository-path spelling',
    headers: DELIVERY,
    status: 202,
    queued: [web],
  },
  {
    name: 'a docker push queues the subdomain spelling',
    fixture: 'subdomain.json',
    headers: DELIVERY,
    status: 202,
    queued: [queued('docker-local.acme.jfrog.io/team/api')],
  },
  {
    name: 'a bare hex HMAC-SHA256 is accepted',
    auth: 'missing',
    headers: signed(hmac('sha256')),
    status: 202,
    queued: [web],
  },
  {
    name: 'a sha256=-prefixed HMAC is accepted',
    auth: 'missing',
    headers: signed(`sha256=${hmac('sha256')}`),
    status: 202,
    queued: [web],
  },
  {
    name: 'a sha1=-prefixed HMAC is accepted',
    auth: 'missing',
    headers: signed(`sha1=${hmac('sha1')}`),
    status: 202,
    queued: [web],
  },
  {
    name: 'a replay (same request id) queues nothing more',
    headers: DELIVERY,
    times: 2,
    status: 202,
    queued: [web],
  },
  { name: 'a wrong secret is refused', auth: 'bad', headers: DELIVERY, status: 401 },
  {
    name: 'an HMAC with a wrong key is refused',
    auth: 'missing',
    headers: signed(hmac('sha256', 'guess')),
    status: 401,
  },
  { name: 'a missing X-JFrog-Event-Auth is refused', auth: 'missing', headers: DELIVERY, status: 401 },
  {
    name: 'a delete is noise',
    fixture: 'delete.json',
    headers: DELIVERY,
    status: 202,
    answer: { ignored: 1 },
  },
  { name: 'another domain is noise', fixture: 'artifact-domain.json', headers: DELIVERY, status: 202 },
  { name: 'a signature tag is noise', fixture: 'signature-tag.json', headers: DELIVERY, status: 202 },
  { name: 'a docker push without data is refused', fixture: 'no-data.json', headers: DELIVERY, status: 400 },
  { name: 'malformed JSON is refused', fixture: 'malformed.json', headers: DELIVERY, status: 400 },
  { name: 'a body over 1 MiB is refused', oversized: true, headers: DELIVERY, status: 413 },
  { name: 'a non-JSON content type is refused', contentType: 'text/plain', headers: DELIVERY, status: 415 },
];

describe('artifactory receiver', () => {
  runCases('artifactory', cases);
});
