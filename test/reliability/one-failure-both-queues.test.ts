import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worker } from '../../functions/worker.ts';
import { scratchDir } from '../../infra/peers/scratch-dir.ts';
import { createLocalQueue, readDeadLetters } from '../../lib/adapters/queue/local-queue.ts';
import { createSqsQueue } from '../../lib/adapters/queue/sqs-queue.ts';
import { createConfigSecretSource } from '../../lib/adapters/secrets/config-secret-source.ts';
import { createMemoryStateStore } from '../../lib/adapters/state/memory-state-store.ts';
import { reconcileMessage } from '../../lib/app/ingest-hook.ts';
import { reconcileAutomation } from '../../lib/app/reconcile-automation.ts';
import { InternalError } from '../../lib/domain/errors.ts';
import { settleDefaults } from '../../lib/domain/settle-work.ts';
import type { Clock } from '../../lib/ports/clock.ts';
import type { GitClient } from '../../lib/ports/git.ts';
import { silentLogger } from '../../lib/ports/logger.ts';
import type { QueueMessage } from '../../lib/ports/queue.ts';
import type { RegistryClient } from '../../lib/ports/registry.ts';
import type { StateStore } from '../../lib/ports/state-store.ts';
import { createHarness } from '../functions/lambda-harness.ts';
import { fleetConfig, fleetManifests } from '../helpers/fleet-config.ts';
import { type LocalSqs, startLocalSqs } from '../helpers/local-sqs.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

/**
 * Issue 11's acceptance: local and Lambda modes answer the same failure the same way. One automation
 * whose every run hits a bug (an InternalError — the case where the two queues used to disagree) goes
 * through the local queue and through the Lambda worker fed by an SQS FIFO queue with the redrive
 * policy of infra/work-queue.yml; both must run it maxReceiveCount times, then dead-letter it, with
 * the error recorded on the automation.
 */

const fleet = {
  gitUrl: 'https://git.example.com/fleet.git',
  policies: [{ name: 'web', image: 'registry.test/web' }],
};
const AUTOMATION = 'apps/fleet';
const BUG = 'bug: workspace.listFiles is not a function';
const T0 = Date.UTC(2026, 10, 21, 9);
const clock: Clock = { now: () => new Date(T0) };

const registry: RegistryClient = {
  listTags: async () => ['1.0.0'],
  resolveDigest: async () => `sha256:${'b'.repeat(64)}`,
};

/** Every checkout hits the bug, and is counted: one checkout = one run. */
const buggyGit = () => {
  const runs: string[] = [];
  const git: GitClient = {
    remoteHead: async () => null,
    checkout: async ({ url }) => {
      runs.push(url);
      throw new InternalError(BUG);
    },
  };
  return { git, runs };
};

const message = (): QueueMessage => {
  const config = fleetConfig(fleet);
  const automation = config.imageUpdateAutomations[0];
  if (!automation) throw new Error('no automation in the fleet');
  return reconcileMessage(
    config,
    automation,
    {
      repositories: ['registry.test/web'],
      reason: 'event',
      deliveryIds: ['push-1'],
      triggeredAt: new Date(T0).toISOString(),
    },
    `push-1:${AUTOMATION}`,
  );
};

interface Outcome {
  runs: number;
  deadLetters: Array<{ automation: string; attempts: number; code: string; message: string }>;
  lastError: unknown;
}

const lastErrorOf = async (state: StateStore) => {
  const error = (await state.read('automation', AUTOMATION))?.value.lastError;
  return error && { code: error.code, message: error.message };
};

const throughLocalQueue = async (): Promise<Outcome> => {
  const dir = await scratchDir('ia-settle-');
  try {
    const { git, runs } = buggyGit();
    const state = createMemoryStateStore();
    const config = fleetConfig(fleet);
    const deps = {
      config,
      registry,
      git,
      state,
      secrets: createConfigSecretSource({ secrets: config.secrets, env: {} }),
      clock,
      logger: silentLogger,
    };
    const queue = createLocalQueue({
      dir: dir.path,
      process: async (request) => {
        await reconcileAutomation(deps, request);
      },
      // The default policy (maxAttempts = maxReceiveCount), with short waits and seeded jitter.
      baseRetryDelayMs: 1,
      maxRetryDelayMs: 4,
      random: seededRandom(11),
      now: clock.now,
    });
    await queue.start();
    await queue.send([message()]);
    await queue.drain();
    await queue.stop();
    return {
      runs: runs.length,
      deadLetters: (await readDeadLetters(dir.path)).map((d) => ({
        automation: d.automation,
        attempts: d.attempts,
        ...d.lastError,
      })),
      lastError: await lastErrorOf(state),
    };
  } finally {
    await dir.remove();
  }
};

/** The event source mapping, by hand: receive, invoke the worker, delete what it acknowledged. */
const throughSqsAndWorker = async (sqs: LocalSqs, client: SQSClient): Promise<Outcome> => {
  const suffix = Math.floor(seededRandom(T0)() * 1e9).toString(36);
  const dlq = await client.send(
    new CreateQueueCommand({
      QueueName: `settle-dlq-${suffix}.fifo`,
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false' },
    }),
  );
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const work = await client.send(
    new CreateQueueCommand({
      QueueName: `settle-work-${suffix}.fifo`,
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        // Lambda's backoff is the visibility timeout (360 s in infra/work-queue.yml); the test does not
        // wait it out but uses 1 s (local-aws-sqs counts a ChangeMessageVisibility as a receive, and 0 never
        // redelivers).
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes?.QueueArn,
          maxReceiveCount: settleDefaults.maxAttempts,
        }),
      },
    }),
  );
  const workUrl = work.QueueUrl as string;
  await createSqsQueue({ queueUrl: workUrl, client }).send([message()]);

  const { git, runs } = buggyGit();
  const h = createHarness({ config: fleetManifests(fleet), registry, git, clock });
  const invoke = h.wrap(worker, 'sqs');
  const deadLetterLogs: Record<string, unknown>[] = [];
  // Empty for 3 s (three visibility timeouts): nothing comes back any more.
  for (let empty = 0; empty < 30; ) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: workUrl, MaxNumberOfMessages: 10, AttributeNames: ['All'] }),
    );
    if (Messages.length === 0) {
      empty++;
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    empty = 0;
    console.log(
      'RECV',
      Messages.map((m) => m.Attributes?.ApproximateReceiveCount),
    );
    const result = await invoke({ Records: Messages.map(toRecord) } satisfies SQSEvent);
    const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    const done = Messages.filter((m) => !failed.has(m.MessageId as string));
    if (done.length > 0)
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: workUrl,
          Entries: done.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
        }),
      );
  }
  deadLetterLogs.push(...h.logs().filter((l) => String(l.message).includes('dead-letter queue')));
  const dead = await sqs.drain(dlq.QueueUrl as string);
  return {
    runs: runs.length,
    deadLetters: dead.map((m) => {
      const record = deadLetterLogs.find((l) => (l.messageIds as string[]).includes(m.MessageId as string))
        ?.deadLetter as {
        automation: string;
        attempts: number;
        lastError: { code: string; message: string };
      };
      return {
        automation: record?.automation,
        // The DLQ counts its own receives: the attempts are the worker's record of them.
        attempts: record?.attempts,
        ...record?.lastError,
      } as Outcome['deadLetters'][number];
    }),
    lastError: await lastErrorOf(h.state),
  };
};

const toRecord = (m: Message): SQSRecord => ({
  messageId: m.MessageId as string,
  receiptHandle: m.ReceiptHandle as string,
  body: m.Body as string,
  attributes: m.Attributes as unknown as SQSRecord['attributes'],
  messageAttributes: {},
  md5OfBody: m.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:settle-work.fifo',
  awsRegion: 'us-east-1',
});

describe('one failing automation, both queues', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startLocalSqs();
  });
  afterAll(async () => {
    await sqs?.stop();
  });

  it('is retried, then dead-lettered with its record, the same way locally and on Lambda', async () => {
    const expected: Outcome = {
      runs: settleDefaults.maxAttempts,
      deadLetters: [
        {
          automation: AUTOMATION,
          attempts: settleDefaults.maxAttempts,
          code: 'Internal',
          message: expect.stringContaining(BUG),
        },
      ],
      lastError: { code: 'Internal', message: expect.stringContaining(BUG) },
    };
    const local = await throughLocalQueue();
    const lambda = await throughSqsAndWorker(sqs, sqs.client());
    expect(local).toEqual(expected);
    expect(lambda).toEqual(expected);
    expect(settleDefaults.maxAttempts).toBe(5);
  });
});
