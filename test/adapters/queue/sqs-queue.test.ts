import 'aws-sdk-client-mock-vitest/extend';
import { SendMessageBatchCommand, SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fifoGroupId } from '../../../lib/adapters/queue/sqs-fifo-ids.ts';
import { parseSqsMessageBody } from '../../../lib/adapters/queue/sqs-message.ts';
import { createSqsQueue } from '../../../lib/adapters/queue/sqs-queue.ts';
import type { ReconcileRequest } from '../../../lib/domain/work.ts';
import type { QueueMessage } from '../../../lib/ports/queue.ts';
import { describeQueueContract } from '../../contract/queue.contract.ts';
import { type LocalSqs, startLocalSqs } from '../../helpers/local-sqs.ts';

const request = (automation: string, deliveryId = 'evt-1'): ReconcileRequest => ({
  automation,
  repositories: ['127.0.0.1:5000/team/web'],
  reason: 'event',
  deliveryIds: [deliveryId],
  triggeredAt: '2026-11-21T10:00:00.000Z',
});

const message = (groupId: string, deduplicationId: string, automation = 'flux-system/web'): QueueMessage => ({
  groupId,
  deduplicationId,
  request: request(automation, deduplicationId),
});

let sqs: LocalSqs;
beforeAll(async () => {
  sqs = await startLocalSqs();
});
afterAll(() => sqs?.stop());

describeQueueContract('sqs (local-aws-sqs)', async () => {
  const queueUrl = await sqs.createFifoQueue('contract');
  return {
    queue: createSqsQueue({ queueUrl, client: sqs.client() }),
    delivered: async () =>
      (await sqs.drain(queueUrl)).map((m) => ({
        groupId: m.Attributes?.MessageGroupId ?? '',
        request: parseSqsMessageBody(m.Body ?? ''),
      })),
  };
});

describe('SQS queue against local-aws-sqs', () => {
  it('sets the group and deduplication ids we asked for and keeps the request intact', async () => {
    const queueUrl = await sqs.createFifoQueue();
    const queue = createSqsQueue({ queueUrl, client: sqs.client() });
    const sent = message('https://git.example/fleet.git#main', 'evt-1:flux-system/web');
    await queue.send([sent]);
    const [received, ...rest] = await sqs.drain(queueUrl);
    expect(rest).toEqual([]);
    expect(received?.Attributes).toMatchObject({
      MessageGroupId: 'https://git.example/fleet.git#main',
      MessageDeduplicationId: 'evt-1:flux-system/web',
    });
    expect(parseSqsMessageBody(received?.Body ?? '')).toEqual(sent.request);
  });

  it('drops a replay with the same deduplication id, in the same call or a later one', async () => {
    const queueUrl = await sqs.createFifoQueue();
    const queue = createSqsQueue({ queueUrl, client: sqs.client() });
    await queue.send([message('g', 'evt-1'), message('g', 'evt-1'), message('g', 'evt-2')]);
    await queue.send([message('g', 'evt-1')]);
    const received = await sqs.drain(queueUrl);
    expect(received.map((m) => m.Attributes?.MessageDeduplicationId)).toEqual(['evt-1', 'evt-2']);
  });

  it('keeps FIFO order within a group across batches of ten', async () => {
    const queueUrl = await sqs.createFifoQueue();
    const client = sqs.client();
    let batchCalls = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SendMessageBatchCommand') batchCalls++;
        return next(args);
      },
      { step: 'initialize' },
    );
    const queue = createSqsQueue({ queueUrl, client });
    const messages = Array.from({ length: 25 }, (_, i) =>
      message('https://git.example/fleet.git#main', `evt-${i}`, `ns/app-${String(i).padStart(2, '0')}`),
    );
    await queue.send(messages);
    expect(batchCalls).toBe(3);
    const received = await sqs.drain(queueUrl);
    expect(received.map((m) => parseSqsMessageBody(m.Body ?? '').automation)).toEqual(
      messages.map((m) => m.request.automation),
    );
  });

  it('accepts long and non-ASCII group and deduplication ids, mapped deterministically', async () => {
    const queueUrl = await sqs.createFifoQueue();
    const queue = createSqsQueue({ queueUrl, client: sqs.client() });
    const group = `https://git.example/${'deep/'.repeat(40)}fleet.git#feature/ünïcode branch`;
    const dedup = `evt-${'x'.repeat(200)}`;
    await queue.send([message(group, dedup)]);
    await queue.send([message(group, dedup)]);
    const received = await sqs.drain(queueUrl);
    expect(received).toHaveLength(1);
    const attributes = received[0]?.Attributes ?? {};
    expect(attributes.MessageGroupId).toBe(fifoGroupId(group));
    expect(attributes.MessageGroupId?.length).toBeLessThanOrEqual(128);
    expect(attributes.MessageGroupId).toMatch(/^https:\/\/git\.example\/deep\/.*~[0-9a-f]{64}$/);
    expect(attributes.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('splits batches by size, not only by count', async () => {
    const queueUrl = await sqs.createFifoQueue();
    const client = sqs.client();
    const entriesPerCall: number[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SendMessageBatchCommand') {
          entriesPerCall.push((args.input as { Entries: unknown[] }).Entries.length);
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    // Each body is about 140 bytes: two fit under 400.
    const queue = createSqsQueue({ queueUrl, client, maxBatchBytes: 400 });
    await queue.send(Array.from({ length: 6 }, (_, i) => message('g', `e${i}`)));
    expect(entriesPerCall).toEqual([2, 2, 2]);
    expect(entriesPerCall.reduce((a, b) => a + b, 0)).toBe(6);
    expect(await sqs.drain(queueUrl)).toHaveLength(6);
  });

  it('reports a missing queue as NotFound', async () => {
    const queue = createSqsQueue({
      queueUrl: `${sqs.endpoint}/123456789012/missing.fifo`,
      client: sqs.client(),
    });
    await expect(queue.send([message('g', 'e')])).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('SQS queue partial batch failures (aws-sdk-client-mock)', () => {
  // Created here, not at collection time: mockClient patches every SQSClient, the emulator's too.
  let sqsMock: AwsClientStub<SQSClient>;
  beforeAll(() => {
    sqsMock = mockClient(SQSClient);
  });
  beforeEach(() => sqsMock.reset());
  afterAll(() => sqsMock.restore());
  const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/work.fifo';
  const client = () => new SQSClient({ region: 'us-east-1' });
  const noSleep = async () => {};

  it('sends only the failed entries again and succeeds', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: 'm0', MessageId: 'a', MD5OfMessageBody: '' }],
        Failed: [{ Id: 'm1', Code: 'InternalError', SenderFault: false }],
      })
      .resolves({ Successful: [{ Id: 'm1', MessageId: 'b', MD5OfMessageBody: '' }] });
    const queue = createSqsQueue({ queueUrl, client: client(), sleep: noSleep });
    await queue.send([message('g', 'e0'), message('g', 'e1')]);
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageBatchCommand, 2);
    const retried = sqsMock.commandCalls(SendMessageBatchCommand)[1]?.args[0].input.Entries ?? [];
    expect(retried.map((entry) => entry.MessageDeduplicationId)).toEqual(['e1']);
  });

  it('gives up with a retryable Upstream error when entries keep failing', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: 'm0', Code: 'ServiceUnavailable', SenderFault: false }] });
    const queue = createSqsQueue({ queueUrl, client: client(), sleep: noSleep, entryAttempts: 3 });
    await expect(queue.send([message('g', 'e0')])).rejects.toMatchObject({
      code: 'Upstream',
      retryable: true,
      data: { codes: ['ServiceUnavailable'], attempts: 3 },
    });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageBatchCommand, 3);
  });

  it('does not resend entries SQS refused as our fault', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: 'm0', Code: 'InvalidParameterValue', SenderFault: true }] });
    const queue = createSqsQueue({ queueUrl, client: client(), sleep: noSleep });
    await expect(queue.send([message('g', 'e0')])).rejects.toMatchObject({ code: 'Internal' });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageBatchCommand, 1);
  });

  it.each([
    ['ThrottlingException', 400, 'Upstream'],
    ['AccessDeniedException', 400, 'Auth'],
    ['InternalError', 500, 'Upstream'],
  ])('maps a failed call (%s, HTTP %i) to %s with the cause kept', async (name, status, code) => {
    const failure = new SQSServiceException({
      name,
      $fault: status >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode: status },
      message: 'no',
    });
    sqsMock.on(SendMessageBatchCommand).rejects(failure);
    const queue = createSqsQueue({ queueUrl, client: client(), sleep: noSleep });
    const error = await queue.send([message('g', 'e0')]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code });
    expect((error as Error).cause).toBe(failure);
  });

  it('sends nothing for an empty list', async () => {
    await createSqsQueue({ queueUrl, client: client() }).send([]);
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageBatchCommand);
  });
});
