import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StateKind, StateRecords, StateStore, Versioned } from '../../ports/state-store.ts';
import { statePartition } from './dynamodb-state-table.ts';
import type { StoredItem } from './dynamodb-status-records.ts';
import type { StateTable } from './dynamodb-table-client.ts';

/** Every status record of one kind: one strongly consistent Query of its partition, page by page. */
export const createDynamoDbStatusListing = (table: StateTable): Pick<StateStore, 'list'> => {
  const { tableName, documents, failure } = table;

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

  return { list: dynamoDbList };
};
