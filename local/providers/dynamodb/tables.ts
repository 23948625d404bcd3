/** The `Images` table built from its spec in contracts/, plus the local stack's housekeeping on it. */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  QueryCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { imageAttributes, ownerStatusKey } from '../../../contracts/image-item.ts';
import { imagesTable, type KeySpec, keyAttributes, type TableSpec } from '../../../contracts/images-table.ts';
import { names } from '../../../contracts/names.ts';

/** DynamoDB's CreateTable input for a contracts/ table spec (TTL is housekeeping here: `sweepExpired`). */
export function createTableInput(spec: TableSpec): CreateTableCommandInput {
  const keySchema = (partitionKey: KeySpec, sortKey: KeySpec | undefined) => [
    { AttributeName: partitionKey.name, KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: spec.tableName,
    BillingMode: spec.billingMode,
    AttributeDefinitions: keyAttributes(spec).map((key) => ({
      AttributeName: key.name,
      AttributeType: key.type,
    })),
    KeySchema: keySchema(spec.partitionKey, spec.sortKey),
    GlobalSecondaryIndexes: spec.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection: { ProjectionType: index.projection },
    })),
  };
}

const tables = [createTableInput(imagesTable)];

/**
 * Creates every table that does not exist yet (data on disk survives restarts), and adds the
 * indexes a table made by an older version lacks: code that queries a new index must find it.
 */
export async function createTables(client: DynamoDBClient): Promise<void> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const table of tables) {
    if (!existing.has(table.TableName ?? '')) await client.send(new CreateTableCommand(table));
    else await addMissingIndexes(client, table);
  }
}

/** One UpdateTable per missing GSI, as DynamoDB allows one index creation per call. */
async function addMissingIndexes(client: DynamoDBClient, table: CreateTableCommandInput): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table.TableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of table.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: table.TableName,
        AttributeDefinitions: table.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
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
            KeyConditionExpression: '#s = :s',
            ExpressionAttributeNames: { '#s': imageAttributes.ownerStatus },
            ExpressionAttributeValues: { ':s': { S: ownerStatusKey(owner, 'COMPLETED') } },
            Limit: 20,
          }),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
