import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { imagesTable } from '../../../contracts/images-table.ts';
import { names } from '../../../contracts/names.ts';
import { loadConfig } from '../../config.ts';
import { providerContext } from '../../provider-context.ts';
import { serveProvider } from '../../serve-provider.ts';
import { DynamoDbProvider } from './index.ts';

let dataDir: string;
let provider: DynamoDbProvider;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'darkroom-dynamodb-'));
  provider = new DynamoDbProvider({
    ...providerContext(loadConfig({}, { dataDir })),
    warmUpCalls: 30,
  });
  await provider.start();
}, 60_000);

afterAll(async () => {
  await provider?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function image(id: string, expiresAtEpoch?: number) {
  return {
    owner: { S: 'owner-1' },
    id: { S: id },
    status: { S: 'PENDING_UPLOAD' },
    ...(expiresAtEpoch === undefined
      ? {}
      : { [imagesTable.timeToLiveAttribute]: { N: String(expiresAtEpoch) } }),
  };
}

const get = (id: string) =>
  provider.client.send(
    new GetItemCommand({ TableName: names.table, Key: { owner: { S: 'owner-1' }, id: { S: id } } }),
  );

describe('DynamoDbProvider', () => {
  it('starts DynamoDB Local and creates the Images table of contracts/images-table.ts', async () => {
    expect(provider.health().ready).toBe(true);
    const { Table } = await provider.client.send(
      new DescribeTableCommand({ TableName: imagesTable.tableName }),
    );
    const keyNames = (keys: { AttributeName?: string }[] | undefined) =>
      keys?.map((key) => key.AttributeName);
    expect(keyNames(Table?.KeySchema)).toEqual([imagesTable.partitionKey.name, imagesTable.sortKey.name]);
    const indexes = Object.fromEntries(
      (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, keyNames(index.KeySchema)]),
    );
    expect(indexes).toEqual(
      Object.fromEntries(
        imagesTable.globalSecondaryIndexes.map((index) => [
          index.indexName,
          [index.partitionKey.name, index.sortKey.name],
        ]),
      ),
    );
  });

  it('deletes items whose expiresAtEpoch has passed and keeps the rest, without a Scan', async () => {
    const now = Math.floor(Date.now() / 1000);
    await provider.client.send(
      new PutItemCommand({ TableName: names.table, Item: image('expired', now - 10) }),
    );
    await provider.client.send(
      new PutItemCommand({ TableName: names.table, Item: image('fresh', now + 3600) }),
    );
    await provider.client.send(new PutItemCommand({ TableName: names.table, Item: image('no-ttl') }));
    const commands: string[] = [];
    provider.client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );

    const deleted = await provider.sweepExpired(now);
    provider.client.middlewareStack.remove('recordCommands');

    expect(deleted).toBe(1);
    expect(commands).toEqual(['DeleteItemCommand']);
    expect((await get('expired')).Item).toBeUndefined();
    expect((await get('fresh')).Item?.id?.S).toBe('fresh');
    expect((await get('no-ttl')).Item?.id?.S).toBe('no-ttl');
  });

  it('indexes expiries written through the proxy, including UpdateItem SETs, and skips items that moved on', async () => {
    const server = await serveProvider((request) => provider.handle(request));
    const viaEdge = new DynamoDBClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'darkroomlocal', secretAccessKey: 'x' },
    });
    try {
      const now = Math.floor(Date.now() / 1000);
      await viaEdge.send(new PutItemCommand({ TableName: names.table, Item: image('proxied', now + 5) }));
      await viaEdge.send(new PutItemCommand({ TableName: names.table, Item: image('moved-on', now + 5) }));
      await viaEdge.send(new PutItemCommand({ TableName: names.table, Item: image('updated') }));
      await viaEdge.send(
        new UpdateItemCommand({
          TableName: names.table,
          Key: { owner: { S: 'owner-1' }, id: { S: 'updated' } },
          UpdateExpression: 'SET #s = :s, #t = :t',
          ExpressionAttributeNames: { '#s': 'status', '#t': 'expiresAtEpoch' },
          ExpressionAttributeValues: { ':s': { S: 'PENDING_UPLOAD' }, ':t': { N: String(now + 5) } },
        }),
      );
      // The pipeline took it: PROCESSING items carry no TTL.
      await viaEdge.send(
        new UpdateItemCommand({
          TableName: names.table,
          Key: { owner: { S: 'owner-1' }, id: { S: 'moved-on' } },
          UpdateExpression: 'SET #s = :s REMOVE expiresAtEpoch',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': { S: 'PROCESSING' } },
        }),
      );

      expect(await provider.sweepExpired(now + 10)).toBe(2);
      expect((await get('proxied')).Item).toBeUndefined();
      expect((await get('updated')).Item).toBeUndefined();
      expect((await get('moved-on')).Item?.status?.S).toBe('PROCESSING');
    } finally {
      viaEdge.destroy();
      await server.close();
    }
  });

  it('adds an index the spec gained to a table made before it, keeping the items', async () => {
    // Prepare: the table as an older version made it, without the last index
    await provider.client.send(new PutItemCommand({ TableName: names.table, Item: image('older-table') }));
    const newest = imagesTable.globalSecondaryIndexes.at(-1)?.indexName ?? '';
    await provider.client.send(
      new UpdateTableCommand({
        TableName: names.table,
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: newest } }],
      }),
    );
    const indexNames = async () =>
      (
        (await provider.client.send(new DescribeTableCommand({ TableName: names.table }))).Table
          ?.GlobalSecondaryIndexes ?? []
      ).map((index) => index.IndexName);
    await vi.waitFor(async () => expect(await indexNames()).not.toContain(newest), { timeout: 20_000 });
    await provider.stop();

    // Act
    provider = new DynamoDbProvider({ ...providerContext(loadConfig({}, { dataDir })), warmUpCalls: 0 });
    await provider.start();

    // Assess
    const { Table } = await provider.client.send(new DescribeTableCommand({ TableName: names.table }));
    expect((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName)).toContain(newest);
    expect((await get('older-table')).Item).toBeDefined();
  }, 40_000);

  it('keeps its expiry index across a restart of the provider', async () => {
    const now = Math.floor(Date.now() / 1000);
    await provider.client.send(
      new PutItemCommand({ TableName: names.table, Item: image('across-restart', now + 5) }),
    );
    await provider.stop();
    provider = new DynamoDbProvider({ ...providerContext(loadConfig({}, { dataDir })), warmUpCalls: 0 });
    await provider.start();

    expect(provider.pendingExpiries).toBeGreaterThan(0);
    expect(await provider.sweepExpired(now + 10)).toBe(1);
    expect((await get('across-restart')).Item).toBeUndefined();
  }, 40_000);

  it('restarts DynamoDB Local when it dies, keeping the data on disk', async () => {
    await provider.client.send(new PutItemCommand({ TableName: names.table, Item: image('survivor') }));
    const pid = provider.pid;
    process.kill(pid ?? 0, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    while (!(provider.health().ready && provider.pid !== pid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(provider.health().detail).toMatch(/restarted 1×/);
    const { Item } = await provider.client.send(
      new GetItemCommand({ TableName: names.table, Key: { owner: { S: 'owner-1' }, id: { S: 'survivor' } } }),
    );
    expect(Item?.id?.S).toBe('survivor');
  }, 40_000);

  it('tells to run scripts/setup-system.sh when Java is missing', async () => {
    const missing = new DynamoDbProvider({
      ...providerContext(loadConfig({}, { dataDir })),
      javaCommand: 'java-that-does-not-exist',
    });
    await expect(missing.start()).rejects.toThrow(/scripts\/setup-system\.sh/);
    await missing.stop();
  });
});
