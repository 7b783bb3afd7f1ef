import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { settleSqsBatch } from '../lib/adapters/queue/sqs-batch.ts';
import {
  type AwsAdapterChoice,
  dynamoDbStatus,
  isomorphicGitInMemory,
  ociAndEcrRegistries,
  secretsManager,
} from './_aws-adapters.ts';
import { type FunctionCore, withStandardMiddleware } from './_middleware.ts';

/**
 * The SQS FIFO consumer (`functionResponseType: ReportBatchItemFailures`): the batch's messages fold
 * per automation into one reconcile run each, groups (repository + branch) stay serialized, and the
 * messages of failed runs are reported as `batchItemFailures` — retryable ones go back to the queue
 * (then to the DLQ), the rest of their group with them; failures for good are recorded on the
 * automation by the use case and acknowledged (sqs-batch.ts).
 */
export const worker: FunctionCore<SQSEvent, SQSBatchResponse> = async (event, runtime) => {
  // A configuration that cannot be loaded fails the whole batch (back to the queue, then the DLQ and
  // its alarm) instead of being mistaken for one automation's error and acknowledged.
  await runtime.configuration();
  return settleSqsBatch(event.Records, {
    run: (request) => runtime.reconcile(request),
    logger: runtime.logger,
    onError: (error) => runtime.recordError(error),
  });
};

/** Status records, registries (OCI and ECR), Git and every secret but Receiver tokens. */
export const adapters: AwsAdapterChoice = {
  state: dynamoDbStatus,
  registry: ociAndEcrRegistries,
  git: isomorphicGitInMemory,
  secrets: secretsManager,
};

export const handler = withStandardMiddleware(worker, { kind: 'sqs', adapters });
