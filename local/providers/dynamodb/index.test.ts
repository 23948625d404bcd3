import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagesTable } from '../../../contracts/images-table.ts';
import { names } from '../../../contracts/names.ts';
import { loadConfig } from '../../config.ts';
import { DynamoDbProvider } from './index.ts';

let dataDir: string;
let provider: DynamoDbProvider;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'darkroom-dynamodb-'));
  provider = new DynamoDbProvider({ config: loadConfig({}, { dataDir }), warmUpCalls: 30 });
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

  it('deletes items whose expiresAtEpoch has passed and keeps the rest', async () => {
    const now = Math.floor(Date.now() / 1000);
    await provider.client.send(
      new PutItemCommand({ TableName: names.table, Item: image('expired', now - 10) }),
    );
    await provider.client.send(
      new PutItemCommand({ TableName: names.table, Item: image('fresh', now + 3600) }),
    );
    await provider.client.send(new PutItemCommand({ TableName: names.table, Item: image('no-ttl') }));

    const deleted = await provider.sweepExpired(now);

    expect(deleted).toBe(1);
    const get = (id: string) =>
      provider.client.send(
        new GetItemCommand({ TableName: names.table, Key: { owner: { S: 'owner-1' }, id: { S: id } } }),
      );
    expect((await get('expired')).Item).toBeUndefined();
    expect((await get('fresh')).Item?.id?.S).toBe('fresh');
    expect((await get('no-ttl')).Item?.id?.S).toBe('no-ttl');
  });

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
      config: loadConfig({}, { dataDir }),
      javaCommand: 'java-that-does-not-exist',
    });
    await expect(missing.start()).rejects.toThrow(/scripts\/setup-system\.sh/);
    await missing.stop();
  });
});
