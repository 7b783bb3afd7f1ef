import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbStateStore } from '../../../lib/adapters/state/dynamodb-state-store.ts';
import { deliveryItemKey, stateItemKey } from '../../../lib/adapters/state/dynamodb-state-table.ts';
import { describeStateStoreContract } from '../../contract/state-store.contract.ts';
import { type Dynalite, startDynalite } from '../../helpers/dynalite.ts';

let dynalite: Dynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(() => dynalite?.stop());

describeStateStoreContract('dynamodb (dynalite)', async (options) => {
  const tableName = await dynalite.createStateTable();
  return {
    store: createDynamoDbStateStore({ tableName, client: dynalite.client(), ...options }),
    teardown: () => dynalite.deleteTable(tableName),
  };
});

describe('DynamoDB state store', () => {
  it('stores the version, the readable key and the value as native attributes', async () => {
    const tableName = await dynalite.createStateTable();
    const client = dynalite.client();
    const store = createDynamoDbStateStore({
      tableName,
      client,
      clock: { now: () => new Date(Date.UTC(2026, 10, 21)) },
    });
    await store.write('policy', 'apps/web', { latestRef: { name: 'ghcr.io/a/web', tag: '1.0.0' } }, 0);
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: 'state#policy' }, sk: { S: 'apps/web' } },
      }),
    );
    expect(Item).toEqual({
      pk: { S: 'state#policy' },
      sk: { S: 'apps/web' },
      key: { S: 'apps/web' },
      version: { N: '1' },
      updatedAt: { S: '2026-11-21T00:00:00.000Z' },
      value: { M: { latestRef: { M: { name: { S: 'ghcr.io/a/web' }, tag: { S: '1.0.0' } } } } },
    });
  });

  it('hashes keys beyond the sort-key limit and still reads and lists them by their own name', async () => {
    const tableName = await dynalite.createStateTable();
    const store = createDynamoDbStateStore({ tableName, client: dynalite.client() });
    const huge = `x/${'é'.repeat(700)}`;
    expect(stateItemKey('repository', huge).sk).toMatch(/^~sha256:[0-9a-f]{64}$/);
    await store.write('repository', huge, { canonicalName: 'c' }, 0);
    expect((await store.read('repository', huge))?.version).toBe(1);
    expect((await store.list('repository')).map((r) => r.key)).toEqual([huge]);
  });

  it('lists every record of a kind across Query pages', async () => {
    const tableName = await dynalite.createStateTable();
    const store = createDynamoDbStateStore({ tableName, client: dynalite.client() });
    // ~40 KB per record: 1 MB Query pages hold about 25 of them.
    const bulky = { canonicalName: 'n'.repeat(40_000) };
    const keys = Array.from({ length: 60 }, (_, i) => `r/${String(i).padStart(3, '0')}`);
    for (const key of keys) await store.write('repository', key, bulky, 0);
    const listed = await store.list('repository');
    expect(listed.map((r) => r.key)).toEqual(keys);
  });

  it('writes delivery ids with a TTL and treats an expired, not yet deleted one as new', async () => {
    const tableName = await dynalite.createStateTable();
    const client = dynalite.client();
    let now = Date.UTC(2026, 0, 1);
    const store = createDynamoDbStateStore({
      tableName,
      client,
      clock: { now: () => new Date(now) },
      deliveryRetentionMs: 60_000,
    });
    expect(await store.rememberDelivery('evt-1')).toBe(true);
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: deliveryItemKey('evt-1').pk }, sk: { S: 'delivery' } },
      }),
    );
    expect(Item?.expiresAt).toEqual({ N: String(now / 1000 + 60) });
    now += 30_000;
    expect(await store.rememberDelivery('evt-1')).toBe(false);
    now += 61_000;
    expect(await store.rememberDelivery('evt-1')).toBe(true);
  });

  it('keeps every delivery item in a `delivery#` partition, long ids too (the IAM LeadingKeys rule)', async () => {
    const tableName = await dynalite.createStateTable();
    const client = dynalite.client();
    const store = createDynamoDbStateStore({ tableName, client });
    const long = `harbor/${'x'.repeat(3000)}`;
    expect(await store.rememberDelivery(long)).toBe(true);
    expect(await store.hasDelivery(long)).toBe(true);
    expect(deliveryItemKey(long).pk).toMatch(/^delivery#~sha256:[0-9a-f]{64}$/);
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
    expect(Items.map((item) => item.pk?.S)).toEqual([deliveryItemKey(long).pk]);
  });

  it('maps a missing table to NotFound and an unreachable endpoint to a retryable Upstream error', async () => {
    const missing = createDynamoDbStateStore({ tableName: 'no-such-table', client: dynalite.client() });
    await expect(missing.read('policy', 'a')).rejects.toMatchObject({
      code: 'NotFound',
      message: expect.stringContaining('DynamoDB GetItem on table no-such-table failed'),
    });
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const unreachable = createDynamoDbStateStore({
      tableName: 't',
      client: new DynamoDBClient({
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        maxAttempts: 1,
      }),
    });
    const error = await unreachable.write('policy', 'a', {}, 0).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'Upstream', retryable: true });
    expect((error as Error).cause).toBeDefined();
  });
});
