import type { StateStore } from '../../ports/state-store.ts';
import { createDynamoDbDeliveryLog, dynamoDbDeliveryLogDefaults } from './dynamodb-delivery-log.ts';
import { createDynamoDbStatusListing } from './dynamodb-status-listing.ts';
import { createDynamoDbStatusRecords } from './dynamodb-status-records.ts';
import { openStateTable, type StateTableOptions } from './dynamodb-table-client.ts';

/**
 * StateStore on one DynamoDB table (layout in dynamodb-state-table.ts): status records, their listing
 * and delivery ids, each in its own module so that a Lambda function bundles only the part it uses
 * (functions/_aws-adapters.ts). Reads are strongly consistent, writes conditional. No transactions or
 * TTL API calls, so dynalite can stand in for DynamoDB.
 */
export const dynamoDbStateStoreDefaults = dynamoDbDeliveryLogDefaults;

export interface DynamoDbStateStoreOptions extends StateTableOptions {
  readonly deliveryRetentionMs?: number;
}

export const createDynamoDbStateStore = (options: DynamoDbStateStoreOptions): StateStore => {
  const table = openStateTable(options);
  return {
    ...createDynamoDbStatusRecords(table),
    ...createDynamoDbStatusListing(table),
    ...createDynamoDbDeliveryLog(table, options),
  };
};
