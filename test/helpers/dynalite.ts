import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { freePort } from '../../infra/peers/free-port.ts';
import { stateTableSchema } from '../../lib/adapters/state/dynamodb-state-table.ts';
import { fakeAwsCredentials, testRegion } from './fake-aws.ts';

/**
 * dynalite (in-memory DynamoDB, shared/reference/real-components.md §6) in this process on a free
 * 127.0.0.1 port. Tables are created with the state store's own schema. Gotchas: no
 * TransactWriteItems, no UpdateTimeToLive, ReturnValuesOnConditionCheckFailure ignored; the SDK
 * waiter needs `minDelay` below `maxWaitTime`.
 */
export interface Dynalite {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** A client for this dynalite (fake credentials, us-east-1); destroyed by `stop()`. */
  client(): DynamoDBClient;
  /** Creates a fresh state table (unique name unless given) and waits until it is ACTIVE. */
  createStateTable(name?: string): Promise<string>;
  deleteTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

type DynaliteFactory = (options: { createTableMs?: number; deleteTableMs?: number }) => Server;

// dynalite is CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

export const startDynalite = async (): Promise<Dynalite> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [];
  const client = () => {
    const made = new DynamoDBClient({
      endpoint,
      region: testRegion,
      credentials: fakeAwsCredentials(),
      maxAttempts: 1,
    });
    clients.push(made);
    return made;
  };
  const admin = client();

  return {
    endpoint,
    client,
    async createStateTable(name = `state-${randomUUID()}`) {
      await admin.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: [...stateTableSchema.KeySchema],
          AttributeDefinitions: [...stateTableSchema.AttributeDefinitions],
          BillingMode: stateTableSchema.BillingMode,
        }),
      );
      await waitUntilTableExists({ client: admin, maxWaitTime: 10, minDelay: 1 }, { TableName: name });
      return name;
    },
    async deleteTable(name) {
      await admin.send(new DeleteTableCommand({ TableName: name }));
    },
    async stop() {
      for (const made of clients) made.destroy();
      // The SDK keeps connections alive; close them or `close` waits for their idle timeout.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
};
