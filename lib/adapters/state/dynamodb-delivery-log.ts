import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StateStore } from '../../ports/state-store.ts';
import { awsErrorFacts } from '../aws/aws-error.ts';
import { deliveryItemKey } from './dynamodb-state-table.ts';
import type { StateTable } from './dynamodb-table-client.ts';

/**
 * Delivery ids (one item each, partition `delivery#<id>`): the only items the webhook and ecrEvent
 * functions touch, and the only ones their roles may (a `dynamodb:LeadingKeys` condition on `delivery#*`).
 */
export const dynamoDbDeliveryLogDefaults = Object.freeze({
  /** Delivery ids expire after this (DynamoDB TTL on `expiresAt`; senders retry within minutes). */
  deliveryRetentionMs: 7 * 24 * 3600 * 1000,
});

export type DeliveryLog = Pick<StateStore, 'hasDelivery' | 'rememberDelivery'>;

export const createDynamoDbDeliveryLog = (
  table: StateTable,
  options: { readonly deliveryRetentionMs?: number } = {},
): DeliveryLog => {
  const { tableName, documents, clock, failure } = table;
  const { deliveryRetentionMs } = { ...dynamoDbDeliveryLogDefaults, ...options };
  const nowMs = () => clock.now().getTime();

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

  return {
    hasDelivery: dynamoDbHasDelivery,
    rememberDelivery: dynamoDbRememberDelivery,
  };
};
