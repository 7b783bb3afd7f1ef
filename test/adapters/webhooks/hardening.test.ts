import { describe, expect, it } from 'vitest';
import { receiverTypes } from '../../../lib/adapters/webhooks/receiver-types.ts';
import { RECEIVER_TYPES } from '../../../lib/domain/flux/types.ts';
import { tokenOf } from './fleet-config.ts';
import { createHarness, fixture, RECEIVERS, receiverPath } from './webhook-harness.ts';

const TYPES = RECEIVERS.map((r) => r.type);
const bodyOf = (type: string) =>
  type === 'distribution' || type === 'generic-hmac'
    ? new TextEncoder().encode('{"events":[]}')
    : fixture(type, 'push.json');

describe('the webhook edge, for every receiver type', () => {
  it('serves every Flux type that can report a registry push, and ours', () => {
    const gitOnly = new Set(['gitlab', 'bitbucket']);
    expect([...receiverTypes.keys()].sort()).toEqual(RECEIVER_TYPES.filter((t) => !gitOnly.has(t)).sort());
  });

  it('configures a receiver per type', async () => {
    const { receivers } = await createHarness();
    expect([...receivers.values()].map((r) => r.context.type).sort()).toEqual([...TYPES].sort());
  });

  it.each(TYPES)('%s: an unknown path answers 404 without saying what was wrong', async (type) => {
    const harness = await createHarness();
    const body = bodyOf(type);
    const answers = await Promise.all(
      [
        receiverPath(type, 'wrong-token'),
        `/hook/${'0'.repeat(64)}`,
        '/hook/short',
        `${receiverPath(type)}/x`,
      ].map((path) => harness.post(type, { body, path })),
    );
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]?.status).toBe(404);
    expect(harness.queued).toEqual([]);
  });

  it.each(TYPES)('%s: only POST is accepted', async (type) => {
    const harness = await createHarness();
    const answer = await harness.post(type, { body: bodyOf(type), method: 'GET' });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
  });

  it.each(TYPES)('%s: a body over 1 MiB is refused before anything is read', async (type) => {
    const harness = await createHarness();
    const answer = await harness.post(type, { body: new Uint8Array(1024 * 1024 + 1), auth: 'missing' });
    expect(answer.status).toBe(413);
  });

  it.each(TYPES.filter((t) => t !== 'generic-hmac'))('%s: a wrong content type answers 415', async (type) => {
    const harness = await createHarness();
    const answer = await harness.post(type, { body: bodyOf(type), contentType: 'text/html' });
    expect(answer.status).toBe(415);
    expect(answer.body).not.toContain(tokenOf(type));
  });
});

describe('backpressure', () => {
  it('a full queue answers 429 with Retry-After, and the retry is not mistaken for a replay', async () => {
    const harness = await createHarness();
    harness.refuseNextSends(1);
    const headers = { 'x-github-event': 'package', 'x-github-delivery': 'retry-1' };
    const first = await harness.post('github', { body: fixture('github', 'push.json'), headers });
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('7');
    const retry = await harness.post('github', { body: fixture('github', 'push.json'), headers });
    expect(retry.status).toBe(202);
    expect(JSON.parse(retry.body)).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(harness.queued.map((m) => m.request.deliveryIds)).toEqual([
      [expect.stringMatching(/^apps\/github:github:body:[0-9a-f]{32}$/)],
    ]);
  });
});
