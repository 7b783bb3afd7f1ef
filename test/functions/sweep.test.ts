import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { sweepAll } from '../../functions/sweep.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { createHarness } from './lambda-harness.ts';

const scheduled: ScheduledEvent = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-21T10:05:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/image-automation-dev-sweep'],
  detail: {},
};

const config = [
  fleetManifests({
    namespace: 'a',
    gitUrl: 'https://git.example.com/a.git',
    policies: [{ name: 'x', image: 'r.test/x' }],
  }),
  fleetManifests({
    namespace: 'b',
    gitUrl: 'https://git.example.com/b.git',
    policies: [{ name: 'y', image: 'r.test/y' }],
  }),
  fleetManifests({ namespace: 'c', gitUrl: 'https://git.example.com/c.git', policies: [] }).replace(
    'update: {strategy',
    'suspend: true\n  update: {strategy',
  ),
].join('---\n');

describe('sweep function (schedule → one message per automation)', () => {
  it('queues one sweep message per active automation, deduplicated per minute', async () => {
    const h = createHarness({ config });
    expect(await h.wrap(sweepAll, 'event')(scheduled)).toEqual({ queued: 2 });
    expect(h.sent.map((m) => [m.groupId, m.request.automation, m.request.reason])).toEqual([
      ['https://git.example.com/a.git#main', 'a/fleet', 'sweep'],
      ['https://git.example.com/b.git#main', 'b/fleet', 'sweep'],
    ]);
    expect(h.sent[0]?.deduplicationId).toMatch(/^sweep:\d{4}-\d\d-\d\dT\d\d:\d\d:a\/fleet$/);
    expect(h.logs().find((l) => l.message === 'sweep queued')).toMatchObject({
      correlation_id: scheduled.id,
    });
  });
});
