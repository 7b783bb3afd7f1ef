import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../domain/errors.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { StateKind, StateRecords, StateStore, Versioned } from '../../ports/state-store.ts';
import { awsErrorFacts, translateAwsError } from '../aws/aws-error.ts';
import { deliveryItemKey, stateItemKey, statePartition } from './dynamodb-state-table.ts';

/**
 * StateStore on one DynamoDB table (layout in dynamodb-state-table.ts). Every write is conditional on
 * the `version` attribute — create: `attribute_not_exists(pk)`, update: `version = :expected` — so two
 * workers never overwrite each other; the loser gets a ConflictError and retries on fresh state
 * (optimistic locking, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DynamoDBMapper.OptimisticLocking.html).
 * Reads are strongly consistent. No transactions or TTL API calls, so dynalite can stand in for DynamoDB.
 */
export const dynamoDbStateStoreDefaults = Object.freeze({
  /** Delivery ids expire after this (DynamoDB TTL on `expiresAt`; senders retry within minutes). */
  deliveryRetentionMs: 7 * 24 * 3600 * 1000,
});

export interface DynamoDbStateStoreOptions {
  readonly tableName: string;
  /** Injected (tests, X-Ray, custom retry); a default client from the environment otherwise. */
  readonly client?: DynamoDBClient;
  readonly deliveryRetentionMs?: number;
  /**
   * The store's one clock: it stamps `updatedAt`, the time a delivery id was recorded, its expiry, and
   * the check of that expiry. One clock for both ends means a test at any date sees the same answers.
   */
  readonly clock?: Clock;
}

interface StoredItem {
  readonly key: string;
  readonly version: number;
  readonly value: unknown;
}

export const createDynamoDbStateStore = (options: DynamoDbStateStoreOptions): StateStore => {
  const { tableName, deliveryRetentionMs } = { ...dynamoDbStateStoreDefaults, ...options };
  const clock = options.clock ?? systemClock;
  const nowMs = () => clock.now().getTime();
  // Optional fields of the records are simply absent; `removeUndefinedValues` keeps them so.
  const documents = DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });

  const failure = (action: string, error: unknown, data: Record<string, unknown>) =>
    translateAwsError(error, { action: `DynamoDB ${action} on table ${tableName}`, data });

  async function dynamoDbRead<K extends StateKind>(
    kind: K,
    key: string,
  ): Promise<Versioned<StateRecords[K]> | undefined> {
    try {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: stateItemKey(kind, key), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const item = Item as StoredItem;
      return { value: item.value as StateRecords[K], version: item.version };
    } catch (error) {
      throw failure('GetItem', error, { kind, key });
    }
  }

  async function dynamoDbWrite<K extends StateKind>(
    kind: K,
    key: string,
    value: StateRecords[K],
    expectedVersion: number,
  ): Promise<number> {
    const version = expectedVersion + 1;
    const condition =
      expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    try {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...stateItemKey(kind, key),
            key,
            version,
            value,
            updatedAt: clock.now().toISOString(),
          },
          ...condition,
        }),
      );
      return version;
    } catch (error) {
      if (awsErrorFacts(error).name === 'ConditionalCheckFailedException') {
        // dynalite ignores ReturnValuesOnConditionCheckFailure, so the current version is not named.
        throw new ConflictError(
          `state ${kind} "${key}" changed meanwhile (expected version ${expectedVersion})`,
          { cause: error, data: { kind, key, expectedVersion } },
        );
      }
      throw failure('PutItem', error, { kind, key });
    }
  }

  async function dynamoDbList<K extends StateKind>(kind: K) {
    const records: Array<{ key: string } & Versioned<StateRecords[K]>> = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': statePartition(kind) },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of (page.Items ?? []) as StoredItem[]) {
          records.push({ key: item.key, value: item.value as StateRecords[K], version: item.version });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      throw failure('Query', error, { kind });
    }
    // Sort keys order by UTF-8 bytes and long keys are hashed: sort by the readable key, as the twins do.
    return records.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async function dynamoDbRememberDelivery(id: string): Promise<boolean> {
    const at = nowMs();
    const nowSeconds = Math.floor(at / 1000);
    try {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...deliveryItemKey(id),
            at: new Date(at).toISOString(),
            expiresAt: Math.floor((at + deliveryRetentionMs) / 1000),
          },
          // TTL deletes expired items lazily (within days), so an expired id counts as unseen:
          // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (awsErrorFacts(error).name === 'ConditionalCheckFailedException') return false;
      throw failure('PutItem', error, { deliveryId: id.slice(0, 200) });
    }
  }

  async function dynamoDbHasDelivery(id: string): Promise<boolean> {
    try {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: deliveryItemKey(id), ConsistentRead: true }),
      );
      // Expired but not yet deleted by TTL counts as unseen, as in dynamoDbRememberDelivery.
      return Item !== undefined && !(Number(Item.expiresAt) < Math.floor(nowMs() / 1000));
    } catch (error) {
      throw failure('GetItem', error, { deliveryId: id.slice(0, 200) });
    }
  }

  async function dynamoDbForgetDelivery(id: string): Promise<void> {
    try {
      await documents.send(new DeleteCommand({ TableName: tableName, Key: deliveryItemKey(id) }));
    } catch (error) {
      throw failure('DeleteItem', error, { deliveryId: id.slice(0, 200) });
    }
  }

  return {
    read: dynamoDbRead,
    write: dynamoDbWrite,
    list: dynamoDbList,
    hasDelivery: dynamoDbHasDelivery,
    rememberDelivery: dynamoDbRememberDelivery,
    forgetDelivery: dynamoDbForgetDelivery,
  };
};
