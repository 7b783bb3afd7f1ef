import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../../ports/clock.ts';
import { translateAwsError } from '../aws/aws-error.ts';

/**
 * The state table as its item modules use it: one document client, the table's name, the store's one
 * clock and the error translation. Status records, their listing and delivery ids live in separate
 * modules (dynamodb-status-records.ts, dynamodb-status-listing.ts, dynamodb-delivery-log.ts), so a
 * function bundles the SDK commands of the items it touches and nothing else: its IAM role (infra/iam.yml,
 * checked by test/infra/iam-simulation.test.ts) allows those commands on those partitions only.
 */
export interface StateTableOptions {
  readonly tableName: string;
  /** Injected (tests, X-Ray, custom retry); a default client from the environment otherwise. */
  readonly client?: DynamoDBClient;
  /**
   * The store's one clock: it stamps `updatedAt`, the time a delivery id was recorded, its expiry, and
   * the check of that expiry. One clock for both ends means a test at any date sees the same answers.
   */
  readonly clock?: Clock;
}

export interface StateTable {
  readonly tableName: string;
  readonly documents: DynamoDBDocumentClient;
  readonly clock: Clock;
  /** A vendor error as one of ours, naming the action and the table. */
  failure(action: string, error: unknown, data: Record<string, unknown>): Error;
}

export const openStateTable = (options: StateTableOptions): StateTable => {
  const { tableName } = options;
  return {
    tableName,
    // Optional fields of the records are simply absent; `removeUndefinedValues` keeps them so.
    documents: DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    clock: options.clock ?? systemClock,
    failure: (action, error, data) =>
      translateAwsError(error, { action: `DynamoDB ${action} on table ${tableName}`, data }),
  };
};
