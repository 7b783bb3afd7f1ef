import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../domain/errors.ts';
import type { StateKind, StateRecords, StateStore, Versioned } from '../../ports/state-store.ts';
import { awsErrorFacts } from '../aws/aws-error.ts';
import { stateItemKey } from './dynamodb-state-table.ts';
import type { StateTable } from './dynamodb-table-client.ts';

/**
 * Status records (partitions `state#<kind>`): one strongly consistent GetItem per read, one conditional
 * PutItem per write — create: `attribute_not_exists(pk)`, update: `version = :expected` — so two
 * workers never overwrite each other; the loser gets a ConflictError and retries on fresh state
 * (optimistic locking, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DynamoDBMapper.OptimisticLocking.html).
 */
export interface StoredItem {
  readonly key: string;
  readonly version: number;
  readonly value: unknown;
}

export const createDynamoDbStatusRecords = (table: StateTable): Pick<StateStore, 'read' | 'write'> => {
  const { tableName, documents, clock, failure } = table;

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

  return { read: dynamoDbRead, write: dynamoDbWrite };
};
