import { describe, expect, it } from 'vitest';
import type { ReconcileRequest } from '../../lib/domain/work.ts';
import type { Queue, QueueMessage } from '../../lib/ports/queue.ts';

/** What a consumer of the queue saw: the group it ran in and the request. */
export interface Delivered {
  readonly groupId: string;
  readonly request: ReconcileRequest;
}

export interface QueueUnderTest {
  readonly queue: Queue;
  /** Waits until everything sent so far reached the consumer; returns all deliveries in order. */
  delivered(): Promise<Delivered[]>;
  teardown?: () => Promise<void>;
}

const request = (automation: string, deliveryId: string): ReconcileRequest => ({
  automation,
  repositories: ['ghcr.io/team/web'],
  reason: 'event',
  deliveryIds: [deliveryId],
  triggeredAt: '2026-11-21T10:00:00.000Z',
});

const GROUP = 'https://git.example/fleet.git#main';

const message = (automation: string, deliveryId: string, groupId = GROUP): QueueMessage => ({
  groupId,
  deduplicationId: `${deliveryId}:${automation}`,
  request: request(automation, deliveryId),
});

/** The behaviour every Queue adapter must have (the SQS queue and the local queue run it). */
export const describeQueueContract = (name: string, setup: () => Promise<QueueUnderTest>): void => {
  describe(`Queue contract: ${name}`, () => {
    const withQueue = async (body: (subject: QueueUnderTest) => Promise<void>) => {
      const subject = await setup();
      try {
        await body(subject);
      } finally {
        await subject.teardown?.();
      }
    };

    it('delivers a request intact, in its group', () =>
      withQueue(async ({ queue, delivered }) => {
        const sent = message('flux-system/web', 'evt-1');
        await queue.send([sent]);
        expect(await delivered()).toEqual([{ groupId: GROUP, request: sent.request }]);
      }));

    it('delivers the requests of one group in the order they were sent', () =>
      withQueue(async ({ queue, delivered }) => {
        const sent = ['a', 'b', 'c', 'd'].map((n, i) => message(`ns/${n}`, `evt-${i}`));
        await queue.send(sent);
        expect((await delivered()).map((d) => d.request.automation)).toEqual([
          'ns/a',
          'ns/b',
          'ns/c',
          'ns/d',
        ]);
      }));

    it('delivers a message once when its deduplication id is sent twice in one call', () =>
      withQueue(async ({ queue, delivered }) => {
        await queue.send([message('ns/a', 'evt-1'), message('ns/a', 'evt-1')]);
        expect(await delivered()).toHaveLength(1);
      }));

    it('keeps groups apart', () =>
      withQueue(async ({ queue, delivered }) => {
        await queue.send([message('ns/a', 'evt-1', 'repo-1#main'), message('ns/b', 'evt-2', 'repo-2#main')]);
        const byGroup = Object.fromEntries((await delivered()).map((d) => [d.groupId, d.request.automation]));
        expect(byGroup).toEqual({ 'repo-1#main': 'ns/a', 'repo-2#main': 'ns/b' });
      }));

    it('accepts an empty send', () =>
      withQueue(async ({ queue, delivered }) => {
        await queue.send([]);
        expect(await delivered()).toEqual([]);
      }));
  });
};
