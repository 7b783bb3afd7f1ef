import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { worker } from '../../functions/worker.ts';
import { encodeSqsMessageBody } from '../../lib/adapters/queue/sqs-message.ts';
import { UpstreamError } from '../../lib/domain/errors.ts';
import type { ReconcileRequest } from '../../lib/domain/work.ts';
import type { GitClient, GitWorkspace } from '../../lib/ports/git.ts';
import type { RegistryClient } from '../../lib/ports/registry.ts';
import { fleetManifests } from '../helpers/fleet-config.ts';
import { createHarness } from './lambda-harness.ts';

const SHARED = 'https://git.example.com/fleet.git';
const OTHER = 'https://git.example.com/other.git';
const SHARED_GROUP = `${SHARED}#main`;
const OTHER_GROUP = `${OTHER}#main`;

// Two automations writing one branch (one FIFO group), one writing another; the `api` image's
// registry is down, so its runs fail with a retryable error.
const config = [
  fleetManifests({
    namespace: 'web',
    gitUrl: SHARED,
    policies: [{ name: 'web', image: 'registry.test/ok' }],
  }),
  fleetManifests({
    namespace: 'api',
    gitUrl: SHARED,
    policies: [{ name: 'api', image: 'registry.test/down' }],
  }),
  fleetManifests({ namespace: 'other', gitUrl: OTHER, policies: [{ name: 'o', image: 'registry.test/ok' }] }),
].join('---\n');

const registry: RegistryClient = {
  listTags: async (repo) => {
    if (repo.repository === 'down') throw new UpstreamError('registry.test answered 503');
    return ['1.0.0'];
  },
  resolveDigest: async () => `sha256:${'b'.repeat(64)}`,
};

/** A Git client whose checkouts hold no files (every run ends "up-to-date"), counting checkouts. */
const emptyGit = () => {
  const checkouts: string[] = [];
  const git: GitClient = {
    remoteHead: async () => null,
    checkout: async ({ url, branch }) => {
      checkouts.push(url);
      return {
        baseCommit: 'c'.repeat(40),
        baseBranch: branch,
        pushBranch: branch,
        listFiles: async () => [],
        readFile: async () => new Uint8Array(),
        writeFile: async () => {},
        commit: async () => null,
        push: async () => {},
        equivalentRemoteCommit: async () => null,
        dispose: async () => {},
      } satisfies GitWorkspace;
    },
  };
  return { git, checkouts };
};

const request = (automation: string, deliveryId: string): ReconcileRequest => ({
  automation,
  repositories: [],
  reason: 'event',
  deliveryIds: [deliveryId],
  triggeredAt: '2026-11-21T10:00:00.000Z',
});

let sequence = 0;
const record = (group: string, body: string | ReconcileRequest): SQSRecord => {
  sequence++;
  return {
    messageId: `m${sequence}`,
    receiptHandle: `r${sequence}`,
    body: typeof body === 'string' ? body : encodeSqsMessageBody(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1795250000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1795250000001',
      MessageGroupId: group,
      MessageDeduplicationId: `d${sequence}`,
      SequenceNumber: String(18_000_000_000 + sequence),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:image-automation-dev-work.fifo',
    awsRegion: 'eu-west-1',
  };
};

const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

describe('worker function (SQS FIFO → reconcile)', () => {
  it('folds a burst for one automation into one run and acknowledges every message', async () => {
    // Prepare
    const { git, checkouts } = emptyGit();
    const h = createHarness({ config, registry, git });
    const burst = [1, 2, 3].map((n) => record(SHARED_GROUP, request('web/fleet', `d-${n}`)));
    // Act
    const result = await h.wrap(worker, 'sqs')(sqsEvent(...burst));
    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(checkouts).toEqual([SHARED]);
    const run = h.logs().find((l) => l.message === 'repository up-to-date');
    expect(run).toMatchObject({ automation: 'web/fleet', deliveryIds: ['d-1', 'd-2', 'd-3'] });
    expect(run?.correlation_id).toBe(burst.map((r) => r.messageId).join(','));
  });

  it('reports a retryable failure and everything after it in its group; other groups are unaffected', async () => {
    const { git } = emptyGit();
    const h = createHarness({ config, registry, git });
    const batch = [
      record(SHARED_GROUP, request('web/fleet', 'a')), // 0: runs (with 2), fine
      record(SHARED_GROUP, request('api/fleet', 'b')), // 1: registry down → retry
      record(SHARED_GROUP, request('web/fleet', 'c')), // 2: folded into 0, but after 1 in FIFO order
      record(SHARED_GROUP, request('ghost/x', 'd')), // 3: never run
      record(OTHER_GROUP, request('other/fleet', 'e')), // 4: fine
      record(OTHER_GROUP, '{"not": "a request"}'), // 5: dropped, acknowledged
    ];
    const result = await h.wrap(worker, 'sqs')(sqsEvent(...batch));
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      [1, 2, 3].map((i) => batch[i]?.messageId),
    );
    expect((await h.state.read('automation', 'api/fleet'))?.value.lastError).toMatchObject({
      code: 'Upstream',
    });
    expect(h.logs().filter((l) => l.message === 'run failed; messages go back to the queue')).toHaveLength(1);
    expect(h.logs().find((l) => l.message === 'message dropped: not a reconcile request')).toMatchObject({
      messageId: batch[5]?.messageId,
    });
    expect(h.metrics()).toContainEqual(expect.objectContaining({ Errors: [1, 1] }));
  });

  it('acknowledges a failure for good (recorded by the use case) and goes on with the group', async () => {
    const { git, checkouts } = emptyGit();
    const h = createHarness({ config, registry, git });
    const batch = [
      record(SHARED_GROUP, request('ghost/x', 'a')),
      record(SHARED_GROUP, request('web/fleet', 'b')),
    ];
    const result = await h.wrap(worker, 'sqs')(sqsEvent(...batch));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(checkouts).toEqual([SHARED]);
    expect(h.logs().find((l) => l.message === 'run failed for good; messages acknowledged')).toMatchObject({
      automation: 'ghost/x',
      error: { code: 'InvalidConfig' },
    });
  });

  it('redelivers a bug (InternalError) so that it reaches the DLQ and its alarm', async () => {
    const git: GitClient = {
      remoteHead: async () => null,
      checkout: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'oid')");
      },
    };
    const h = createHarness({ config, registry, git });
    const batch = [record(OTHER_GROUP, request('other/fleet', 'a'))];
    const result = await h.wrap(worker, 'sqs')(sqsEvent(...batch));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: batch[0]?.messageId }]);
  });

  it('fails the whole batch when the configuration cannot be loaded', async () => {
    const h = createHarness({
      config: 'apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\n',
      registry,
    });
    const batch = [record(OTHER_GROUP, request('other/fleet', 'a'))];
    await expect(h.wrap(worker, 'sqs')(sqsEvent(...batch))).rejects.toMatchObject({ code: 'InvalidConfig' });
    expect(h.logs().find((l) => l.message === 'invocation failed')).toMatchObject({
      error: { code: 'InvalidConfig' },
    });
  });
});
