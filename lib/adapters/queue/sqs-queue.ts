import {
  type BatchResultErrorEntry,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { backoff } from '../../domain/backoff.ts';
import { InternalError, UpstreamError } from '../../domain/errors.ts';
import type { Queue, QueueMessage } from '../../ports/queue.ts';
import { translateAwsError } from '../aws/aws-error.ts';
import { fifoDeduplicationId, fifoGroupId } from './sqs-fifo-ids.ts';
import { encodeSqsMessageBody } from './sqs-message.ts';

/**
 * Queue on an SQS FIFO queue: `MessageGroupId` = the message's group (one writer per repository
 * branch), `MessageDeduplicationId` = its deduplication id (replays inside SQS's 5-minute window are
 * dropped), body = the ReconcileRequest as JSON (sqs-message.ts).
 *
 * Messages go out with SendMessageBatch, at most 10 entries and `maxBatchBytes` per call
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html),
 * batches one after another so that order within a group is kept. A batch can partly fail: entries
 * failed by SQS (not by us, `SenderFault: false`) are sent again with backoff; what still fails ends
 * in an UpstreamError. A caller retrying the whole `send` is safe: deduplication ids drop what already
 * went through.
 */
export const sqsQueueDefaults = Object.freeze({
  maxBatchEntries: 10,
  /** The classic 256 KiB batch limit; newer queues accept 1 MiB, older ones do not. */
  maxBatchBytes: 256 * 1024,
  /** Tries per entry, the first included. */
  entryAttempts: 3,
  baseRetryDelayMs: 100,
  maxRetryDelayMs: 1_000,
  random: Math.random,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
});

export interface SqsQueueOptions {
  readonly queueUrl: string;
  /** Injected (tests, custom retry); a default client from the environment otherwise. */
  readonly client?: SQSClient;
  readonly maxBatchBytes?: number;
  readonly entryAttempts?: number;
  readonly baseRetryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** In [0, 1): the backoff's jitter source. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

type Entry = SendMessageBatchRequestEntry & { Id: string; MessageBody: string };

export const createSqsQueue = (options: SqsQueueOptions): Queue => {
  const settings = { ...sqsQueueDefaults, ...options };
  const client = options.client ?? new SQSClient({});

  function toEntry(message: QueueMessage, index: number): Entry {
    return {
      // Batch entry ids only need to be unique inside one request.
      Id: `m${index}`,
      MessageBody: encodeSqsMessageBody(message.request),
      MessageGroupId: fifoGroupId(message.groupId),
      MessageDeduplicationId: fifoDeduplicationId(message.deduplicationId),
    };
  }

  function* batches(entries: readonly Entry[]): Generator<Entry[]> {
    let batch: Entry[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const size = Buffer.byteLength(entry.MessageBody, 'utf8');
      if (
        batch.length > 0 &&
        (batch.length === settings.maxBatchEntries || bytes + size > settings.maxBatchBytes)
      ) {
        yield batch;
        batch = [];
        bytes = 0;
      }
      batch.push(entry);
      bytes += size;
    }
    if (batch.length > 0) yield batch;
  }

  async function sendBatch(batch: Entry[]): Promise<BatchResultErrorEntry[]> {
    try {
      const result = await client.send(
        new SendMessageBatchCommand({ QueueUrl: settings.queueUrl, Entries: batch }),
      );
      return result.Failed ?? [];
    } catch (error) {
      throw translateAwsError(error, {
        action: 'SQS SendMessageBatch',
        data: { queueUrl: settings.queueUrl, entries: batch.length },
      });
    }
  }

  async function sendWithRetries(batch: Entry[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      const failed = await sendBatch(pending);
      if (failed.length === 0) return;
      const codes = [...new Set(failed.map((f) => f.Code ?? 'unknown'))];
      const data = { queueUrl: settings.queueUrl, failedEntries: failed.length, codes, attempts: attempt };
      if (failed.some((f) => f.SenderFault)) {
        // Our own request is wrong (too large, invalid id): sending it again cannot help.
        throw new InternalError(`SQS refused ${failed.length} message(s): ${codes.join(', ')}`, { data });
      }
      if (attempt >= settings.entryAttempts) {
        throw new UpstreamError(
          `SQS failed to store ${failed.length} message(s) after ${attempt} attempts: ${codes.join(', ')}`,
          { data },
        );
      }
      const failedIds = new Set(failed.map((f) => f.Id));
      pending = pending.filter((entry) => failedIds.has(entry.Id));
      await settings.sleep(
        backoff(
          { baseMs: settings.baseRetryDelayMs, maxMs: settings.maxRetryDelayMs },
          attempt,
          settings.random,
        ),
      );
    }
  }

  async function sqsSend(messages: readonly QueueMessage[]): Promise<void> {
    const entries = messages.map(toEntry);
    for (const batch of batches(entries)) await sendWithRetries(batch);
  }

  return { send: sqsSend };
};
