import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerStatusKey } from '../../../../contracts/image-item.ts';
import { names } from '../../../../contracts/names.ts';
import { leanDynamoDbClient } from '../../dynamodb/lean-client.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../dynamodb/testing.ts';
import * as ddb from '../runtime/dynamodb-helpers.ts';
import { createContext } from '../runtime/index.ts';
import { toPlainMap } from './attribute-values.ts';
import { DynamoDbDataSource } from './dynamodb.ts';
import type { DataSourceOutcome } from './registry.ts';

let local: DynamoDbLocal;
let images: DynamoDbDataSource;

async function run(request: unknown): Promise<DataSourceOutcome> {
  return images.run({ request, ctx: createContext(), batchKey: 'test', batches: new Map() });
}

function image(owner: string, id: string, extra: Record<string, unknown> = {}) {
  return {
    fileName: `${id}.jpg`,
    status: 'PROCESSING',
    ownerStatus: ownerStatusKey(owner, 'PROCESSING'),
    size: 1234,
    ...extra,
  };
}

beforeAll(async () => {
  local = await startDynamoDbLocal();
  images = new DynamoDbDataSource(names.dataSources.images, names.table, () => local.client);
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

describe('the DynamoDB data source on DynamoDB Local', () => {
  it('puts, gets, updates and deletes an item, with numbers from util.dynamodb as JSON numbers', async () => {
    const put = await run(
      ddb.put({ key: { owner: 'alice', id: '01A' }, item: image('alice', '01A', { tags: ['x'] }) }),
    );
    expect(put).toEqual({ result: { owner: 'alice', id: '01A', ...image('alice', '01A', { tags: ['x'] }) } });

    const got = await run(ddb.get({ key: { owner: 'alice', id: '01A' } }));
    expect(got.result).toMatchObject({ owner: 'alice', id: '01A', size: 1234, tags: ['x'] });

    const updated = await run(
      ddb.update({
        key: { owner: 'alice', id: '01A' },
        update: { size: ddb.operations.increment(6), status: 'COMPLETED' },
      }),
    );
    expect(updated.result).toMatchObject({ size: 1240, status: 'COMPLETED' });

    const deleted = await run(ddb.remove({ key: { owner: 'alice', id: '01A' } }));
    expect(deleted.result).toMatchObject({ id: '01A', size: 1240 });
    expect((await run(ddb.get({ key: { owner: 'alice', id: '01A' } }))).result).toBeNull();
  });

  it('reports a failed condition as AppSync does, in ctx.error', async () => {
    await run(ddb.put({ key: { owner: 'bob', id: '01B' }, item: image('bob', '01B') }));
    const outcome = await run(
      ddb.put({
        key: { owner: 'bob', id: '01B' },
        item: image('bob', '01B'),
        condition: { id: { attributeExists: false } },
      }),
    );
    expect(outcome.result).toBeNull();
    expect(outcome.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
    expect(outcome.error?.message).toMatch(
      /^The conditional request failed \(Service: DynamoDb, Status Code: 400, Request ID: .+\)$/,
    );
  });

  it('pages a newest-first Query with an opaque nextToken that round-trips', async () => {
    const ids = ['01C1', '01C2', '01C3', '01C4', '01C5'];
    await run(
      ddb.batchPut({
        tables: { [names.table]: ids.map((id) => ({ owner: 'carol', id, ...image('carol', id) })) },
      }),
    );
    const seen: string[] = [];
    let nextToken: string | null = null;
    for (let page = 0; page < 5; page++) {
      const outcome = await run(
        ddb.query({
          query: { owner: { eq: 'carol' } },
          limit: 2,
          scanIndexForward: false,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      const result = outcome.result as {
        items: Array<{ id: string }>;
        nextToken: string | null;
        scannedCount: number;
      };
      seen.push(...result.items.map((item) => item.id));
      nextToken = result.nextToken;
      if (!nextToken) break;
      expect(JSON.parse(Buffer.from(nextToken, 'base64').toString('utf8'))).toHaveProperty('owner', {
        S: 'carol',
      });
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('queries a GSI with a filter', async () => {
    await run(ddb.put({ key: { owner: 'dave', id: '01D1' }, item: image('dave', '01D1', { size: 10 }) }));
    await run(ddb.put({ key: { owner: 'dave', id: '01D2' }, item: image('dave', '01D2', { size: 99 }) }));
    const outcome = await run(
      ddb.query({
        index: names.indexes.byOwnerStatus,
        query: { ownerStatus: { eq: 'dave#PROCESSING' } },
        filter: { size: { gt: 50 } },
      }),
    );
    expect((outcome.result as { items: Array<{ id: string }> }).items.map((i) => i.id)).toEqual(['01D2']);
  });

  it('refuses an undecodable nextToken with DynamoDbException', async () => {
    const outcome = await run(ddb.query({ query: { owner: { eq: 'carol' } }, nextToken: 'not*base64{json' }));
    expect(outcome.error).toEqual({
      type: 'DynamoDB:DynamoDbException',
      message: expect.stringMatching(/^Invalid pagination token: /),
    });
  });

  it('answers BatchGetItem in key order with null for missing items', async () => {
    await run(ddb.put({ key: { owner: 'erin', id: '01E1' }, item: image('erin', '01E1') }));
    await run(ddb.put({ key: { owner: 'erin', id: '01E2' }, item: image('erin', '01E2') }));
    const outcome = await run(
      ddb.batchGet({
        tables: {
          [names.table]: {
            keys: [
              { owner: 'erin', id: '01E2' },
              { owner: 'erin', id: 'missing' },
              { owner: 'erin', id: '01E1' },
            ],
          },
        },
      }),
    );
    const data = (outcome.result as { data: Record<string, Array<{ id: string } | null>> }).data[names.table];
    expect(data?.map((item) => item?.id ?? null)).toEqual(['01E2', null, '01E1']);
  });

  it('reads every attribute type as the SDK reads it, through GetItem, Query and BatchGetItem, in one pass', async () => {
    // Prepare: an item with every DynamoDB type, written with the SDK itself.
    const Item = {
      owner: { S: 'frank' },
      id: { S: '01F1' },
      n: { N: '-12.5' },
      yes: { BOOL: true },
      nothing: { NULL: true },
      bytes: { B: new Uint8Array([0, 1, 254, 255]) },
      tags: { SS: ['a', 'b'] },
      sizes: { NS: ['1', '2.5'] },
      blobs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
      nested: { M: { list: { L: [{ S: 'x' }, { N: '3' }, { M: { deep: { BOOL: false } } }] } } },
    };
    await local.client.send(new PutItemCommand({ TableName: names.table, Item }));
    const viaSdk = toPlainMap(
      (
        await local.client.send(
          new GetItemCommand({ TableName: names.table, Key: { owner: Item.owner, id: Item.id } }),
        )
      ).Item ?? {},
    );

    // Act
    const got = await run(ddb.get({ key: { owner: 'frank', id: '01F1' } }));
    const page = await run(ddb.query({ query: { owner: { eq: 'frank' } } }));
    const batch = await run(
      ddb.batchGet({ tables: { [names.table]: { keys: [{ owner: 'frank', id: '01F1' }] } } }),
    );

    // Assess
    expect(viaSdk).toMatchObject({
      bytes: 'AAH+/w==',
      sizes: [1, 2.5],
      nested: { list: ['x', 3, { deep: false }] },
    });
    expect(got.result).toStrictEqual(viaSdk);
    expect((page.result as { items: unknown[] }).items).toStrictEqual([viaSdk]);
    expect((batch.result as { data: Record<string, unknown[]> }).data[names.table]).toStrictEqual([viaSdk]);
  });

  it('reports a read that never reached DynamoDB in ctx.error, as a refusal is', async () => {
    // Prepare: a client for a port nobody listens on (DynamoDB Local gone, between restarts).
    const gone = new DynamoDbDataSource(names.dataSources.images, names.table, () =>
      leanDynamoDbClient({
        endpoint: 'http://127.0.0.1:1',
        region: 'us-east-1',
        credentials: { accessKeyId: 'darkroomtests', secretAccessKey: 'local' },
      }),
    );

    // Act
    const outcome = await gone.run({
      request: ddb.get({ key: { owner: 'alice', id: '01A' } }),
      ctx: createContext(),
      batchKey: 'test',
      batches: new Map(),
    });

    // Assess
    expect(outcome.result).toBeNull();
    expect(outcome.error?.type).toMatch(/^DynamoDB:/);
    expect(outcome.error?.message).toContain('ECONNREFUSED');
  });

  it('runs TransactWriteItems and reports cancellation reasons when a condition fails', async () => {
    const ok = await run(
      ddb.transactWrite({
        items: [
          { putItem: { table: names.table, key: { owner: 'fay', id: '01F1' }, item: image('fay', '01F1') } },
          { putItem: { table: names.table, key: { owner: 'fay', id: '01F2' }, item: image('fay', '01F2') } },
        ],
      }),
    );
    expect((ok.result as { keys: unknown[] }).keys).toEqual([
      { owner: 'fay', id: '01F1' },
      { owner: 'fay', id: '01F2' },
    ]);
    const cancelled = await run(
      ddb.transactWrite({
        items: [
          {
            putItem: {
              table: names.table,
              key: { owner: 'fay', id: '01F1' },
              item: image('fay', '01F1'),
              condition: { id: { attributeExists: false } },
            },
          },
        ],
      }),
    );
    expect(cancelled.error?.type).toBe('DynamoDB:TransactionCanceledException');
    expect(
      (cancelled.result as { cancellationReasons: Array<{ type: string }> }).cancellationReasons[0]?.type,
    ).toBe('ConditionalCheckFailed');
  });
});
