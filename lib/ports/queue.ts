import type { ReconcileRequest } from '../domain/work.ts';

/**
 * Where accepted work waits for the worker. Messages of one group (one Git repository and
 * branch) are processed one at a time, in order: one writer per branch (SQS FIFO
 * `MessageGroupId`, an in-process chain locally).
 */
export interface QueueMessage {
  /** Repository URL + push branch: one writer per branch. */
  readonly groupId: string;
  /** Same id = same message (replays are dropped by the queue where it can). */
  readonly deduplicationId: string;
  readonly request: ReconcileRequest;
}

/**
 * @example
 * await queue.send([{ groupId: 'https://git.example/fleet.git#main', deduplicationId: 'evt-1:apps/web', request }]);
 */
export interface Queue {
  /** Resolves once every message is durably stored (an accepted webhook may then answer 202). */
  send(messages: readonly QueueMessage[]): Promise<void>;
}
