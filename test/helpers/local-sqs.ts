import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import { freePort } from '../../infra/peers/free-port.ts';
import { fakeAwsCredentials, testRegion } from './fake-aws.ts';

/**
 * local-aws-sqs (shared/reference/real-components.md §6) in this process on a free 127.0.0.1 port; it
 * speaks the JSON protocol of @aws-sdk/client-sqs v3. Gotchas: ReceiveMessage needs
 * `AttributeNames: ['All']` (not MessageSystemAttributeNames) to return MessageGroupId,
 * MessageDeduplicationId and SequenceNumber; a FIFO batch with one invalid group id fails as a whole
 * (request-level error), not per entry; queue names cannot be reused for 60 s after a delete, so every
 * test gets a fresh name.
 */
export interface LocalSqs {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** A client for this server (fake credentials, us-east-1); destroyed by `stop()`. */
  client(): SQSClient;
  /** Creates a FIFO queue with a unique name (explicit deduplication ids; no content-based dedup). */
  createFifoQueue(prefix?: string): Promise<string>;
  /** Receives (and deletes) everything visible now, in delivery order, with all system attributes. */
  drain(queueUrl: string): Promise<Message[]>;
  stop(): Promise<void>;
}

export const startLocalSqs = async (): Promise<LocalSqs> => {
  const port = await freePort();
  const server: Server = await createSqsServer({ port, hostname: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: SQSClient[] = [];
  const client = () => {
    const made = new SQSClient({
      endpoint,
      region: testRegion,
      credentials: fakeAwsCredentials(),
      maxAttempts: 1,
    });
    clients.push(made);
    return made;
  };
  const admin = client();

  return {
    endpoint,
    client,
    async createFifoQueue(prefix = 'work') {
      const name = `${prefix}-${randomUUID().slice(0, 8)}.fifo`;
      const { QueueUrl } = await admin.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false', VisibilityTimeout: '30' },
        }),
      );
      if (!QueueUrl) throw new Error(`local SQS returned no URL for ${name}`);
      return QueueUrl;
    },
    async drain(queueUrl) {
      const received: Message[] = [];
      // A FIFO group stays locked while its messages are in flight; under load a receive can come
      // back empty just after a delete. Three empty answers in a row mean the queue is empty.
      let empty = 0;
      for (;;) {
        const { Messages = [] } = await admin.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            AttributeNames: ['All'],
            WaitTimeSeconds: 0,
          }),
        );
        if (Messages.length === 0) {
          if (++empty >= 3) return received;
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        empty = 0;
        received.push(...Messages);
        await admin.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    },
    async stop() {
      for (const made of clients) made.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
};
