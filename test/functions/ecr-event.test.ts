import { readFileSync } from 'node:fs';
import type { EventBridgeEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ecrEvent } from '../../functions/ecr-event.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { createHarness } from './lambda-harness.ts';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/webhooks/ecr/${name}.json`, import.meta.url), 'utf8'),
  ) as EventBridgeEvent<string, unknown>;

const ECR_IMAGE = '123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/web';
// The fleet's ImageRepository reads ECR's API (`provider: aws`), as an ECR user's would.
const config = fleetManifests({
  gitUrl: 'https://git.example.com/fleet.git',
  policies: [{ name: 'web', image: ECR_IMAGE }],
}).replace('insecure: true', 'provider: aws');

describe('ecr-event function (EventBridge ECR Image Action → SQS)', () => {
  it('queues a run for the automations of the pushed repository, the event id as delivery id', async () => {
    // Prepare
    const h = createHarness({ config });
    const event = fixture('push');
    // Act
    const result = await h.wrap(ecrEvent, 'event')(event);
    // Assess
    expect(result).toMatchObject({ accepted: 1, queued: 1 });
    expect(h.sent).toEqual([
      expect.objectContaining({
        groupId: 'https://git.example.com/fleet.git#main',
        deduplicationId: `ecr:${event.id}:apps/fleet`,
        request: expect.objectContaining({
          repositories: [ECR_IMAGE],
          triggeredAt: '2026-03-20T14:27:05.000Z',
        }),
      }),
    ]);
    expect(h.logs().find((l) => l.message === 'event queued')).toMatchObject({ correlation_id: event.id });
    expect(h.metrics()).toContainEqual(expect.objectContaining({ Events: 1 }));
  });

  it('is idempotent under EventBridge redelivery', async () => {
    const h = createHarness({ config });
    const invoke = h.wrap(ecrEvent, 'event');
    await invoke(fixture('push'));
    expect(await invoke(fixture('push'))).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(h.sent).toHaveLength(1);
  });

  it.each(['untagged-child', 'delete', 'scan', 'not-eventbridge'])('ignores %s', async (name) => {
    const h = createHarness({ config });
    expect(await h.wrap(ecrEvent, 'event')(fixture(name))).toEqual({ ignored: 1 });
    expect(h.sent).toEqual([]);
  });

  it('rethrows a queue failure so that Lambda retries the asynchronous invocation', async () => {
    const h = createHarness({ config, queueFails: true });
    await expect(h.wrap(ecrEvent, 'event')(fixture('push'))).rejects.toMatchObject({ code: 'Upstream' });
    expect(h.metrics()).toContainEqual(expect.objectContaining({ Errors: 1 }));
  });
});
