import { createHash } from 'node:crypto';
import type { StateKind } from '../../ports/state-store.ts';

/**
 * The one DynamoDB table behind the state store, described once so that `infra/` (CloudFormation),
 * the test helper and the adapter agree.
 *
 * Layout (single-table design, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-general-nosql-design.html):
 *
 * | item            | pk                  | sk                 | other attributes                         |
 * |-----------------|---------------------|--------------------|------------------------------------------|
 * | status record   | `state#<kind>`      | `<key>`            | `key`, `version` (N), `value` (M), `updatedAt` |
 * | delivery id     | `delivery#<id>`     | `delivery`         | `at`, `expiresAt` (N, epoch seconds: TTL) |
 *
 * All records of one kind share a partition, so `list(kind)` is one strongly consistent Query on the
 * table itself: no GSI (whose reads are only eventually consistent) and nothing dynalite lacks. The
 * number of records per kind is the number of ImageRepositories/Policies/Automations, far below one
 * partition's limits. Delivery ids get one partition each (high write rate, no listing).
 */

export const stateTableAttributes = Object.freeze({
  partitionKey: 'pk',
  sortKey: 'sk',
  /** TTL attribute (epoch seconds); enable it on the table (CloudFormation `TimeToLiveSpecification`). */
  timeToLive: 'expiresAt',
});

/** KeySchema and AttributeDefinitions for CreateTable or `AWS::DynamoDB::Table`. */
export const stateTableSchema = Object.freeze({
  KeySchema: Object.freeze([
    Object.freeze({ AttributeName: 'pk', KeyType: 'HASH' as const }),
    Object.freeze({ AttributeName: 'sk', KeyType: 'RANGE' as const }),
  ]),
  AttributeDefinitions: Object.freeze([
    Object.freeze({ AttributeName: 'pk', AttributeType: 'S' as const }),
    Object.freeze({ AttributeName: 'sk', AttributeType: 'S' as const }),
  ]),
  BillingMode: 'PAY_PER_REQUEST' as const,
});

/** `TimeToLiveSpecification` for `AWS::DynamoDB::Table` (dynalite does not implement UpdateTimeToLive). */
export const stateTableTimeToLive = Object.freeze({ AttributeName: 'expiresAt', Enabled: true });

// Key attributes are limited to 2048 (partition) and 1024 (sort) bytes of UTF-8:
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys
const MAX_KEY_BYTES = 1000;

const fitKey = (text: string): string =>
  Buffer.byteLength(text, 'utf8') <= MAX_KEY_BYTES
    ? text
    : `~sha256:${createHash('sha256').update(text).digest('hex')}`;

/** Primary key of one status record; the readable key is also stored in `key`, listings sort on that. */
export const stateItemKey = (kind: StateKind, key: string) => ({ pk: `state#${kind}`, sk: fitKey(key) });

/** Partition holding every record of `kind`. */
export const statePartition = (kind: StateKind): string => `state#${kind}`;

/** Partition-key prefix of every delivery id: the `dynamodb:LeadingKeys` of the ingesting roles. */
export const DELIVERY_PARTITION_PREFIX = 'delivery#';

/**
 * Primary key of one remembered delivery id. A long id is hashed after the prefix, never with it, so
 * every delivery item's key starts with `delivery#` (the IAM condition of infra/iam.yml relies on it).
 */
export const deliveryItemKey = (id: string) => ({
  pk: `${DELIVERY_PARTITION_PREFIX}${fitKey(id)}`,
  sk: 'delivery',
});
