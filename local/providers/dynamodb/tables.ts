/** The `Images` table as the CDK stack defines it, plus the local stack's housekeeping on it. */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { names } from '../../../contracts/names.ts';

/** Mirrors infra/storage.ts: pk owner, sk id; GSIs byOwnerStatus and (sparse) byStatus, projection ALL. */
export const imagesTable: CreateTableCommandInput = {
  TableName: names.table,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'owner', AttributeType: 'S' },
    { AttributeName: 'id', AttributeType: 'S' },
    { AttributeName: 'ownerStatus', AttributeType: 'S' },
    { AttributeName: 'statusKey', AttributeType: 'S' },
    { AttributeName: 'updatedAt', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'owner', KeyType: 'HASH' },
    { AttributeName: 'id', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: names.indexes.byOwnerStatus,
      KeySchema: [
        { AttributeName: 'ownerStatus', KeyType: 'HASH' },
        { AttributeName: 'id', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      IndexName: names.indexes.byStatus,
      KeySchema: [
        { AttributeName: 'statusKey', KeyType: 'HASH' },
        { AttributeName: 'updatedAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
};

const tables = [imagesTable];

/** Creates every table that does not exist yet (data on disk survives restarts). */
export async function createTables(client: DynamoDBClient): Promise<void> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const table of tables) {
    if (!existing.has(table.TableName ?? '')) await client.send(new CreateTableCommand(table));
  }
}

export async function deleteTables(client: DynamoDBClient): Promise<void> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const table of tables) {
    if (existing.has(table.TableName ?? ''))
      await client.send(new DeleteTableCommand({ TableName: table.TableName }));
  }
}

/**
 * The JVM runs its first few thousand requests about 3× slower: spend them at start on reads of
 * keys that do not exist, in the shapes the API uses (GetItem, Query, GSI Query).
 */
export async function warmUp(client: DynamoDBClient, calls: number, parallel = 8): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      const i = next;
      next += 1;
      const owner = `warm-up-${i % 16}`;
      if (i % 3 === 0) {
        await client.send(
          new GetItemCommand({ TableName: names.table, Key: { owner: { S: owner }, id: { S: String(i) } } }),
        );
      } else if (i % 3 === 1) {
        await client.send(
          new QueryCommand({
            TableName: names.table,
            KeyConditionExpression: '#o = :o',
            ExpressionAttributeNames: { '#o': 'owner' },
            ExpressionAttributeValues: { ':o': { S: owner } },
            ScanIndexForward: false,
            Limit: 20,
          }),
        );
      } else {
        await client.send(
          new QueryCommand({
            TableName: names.table,
            IndexName: names.indexes.byOwnerStatus,
            KeyConditionExpression: 'ownerStatus = :s',
            ExpressionAttributeValues: { ':s': { S: `${owner}#COMPLETED` } },
            Limit: 20,
          }),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
