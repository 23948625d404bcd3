/**
 * `reachedUnderLease` against DynamoDB Local: the one conditional write must both record the
 * milestone under the lease and, when the lease is gone, hand back the item as stored (the
 * thumbnails step judges its late writes by it instead of reading the item again).
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/providers/dynamodb/testing.ts';
import type { AppSyncClient } from './appsync-client.ts';
import { createMilestones } from './milestones.ts';

const token = 'arn:aws:states:us-east-1:000000000000:express:darkroom-pipeline:e-1:1';
let local: DynamoDbLocal;
let documents: DynamoDBDocumentClient;
const published: Array<Record<string, unknown>> = [];
const appsync: AppSyncClient = {
  async request<T>(_query: string, variables: Record<string, unknown>): Promise<T> {
    published.push(variables);
    return {} as T;
  },
};

beforeAll(async () => {
  local = await startDynamoDbLocal();
  documents = DynamoDBDocumentClient.from(local.client);
}, 90_000);

afterAll(async () => {
  await local?.stop();
});

async function stored(id: string) {
  const { Item } = await documents.send(
    new GetCommand({ TableName: names.table, Key: { owner: 'alice', id }, ConsistentRead: true }),
  );
  return Item;
}

describe('reachedUnderLease on DynamoDB Local', () => {
  it('records the milestone while the image is PROCESSING under the lease', async () => {
    await documents.send(
      new PutCommand({
        TableName: names.table,
        Item: { owner: 'alice', id: 'held', status: 'PROCESSING', leaseToken: token, sequence: 2 },
      }),
    );
    const milestones = createMilestones({ documents, appsync, tableName: names.table });

    const check = await milestones.reachedUnderLease(
      { owner: 'alice', id: 'held' },
      'THUMBNAILS_READY',
      token,
    );

    expect(check).toEqual({ lease: 'held' });
    expect(await stored('held')).toMatchObject({ stage: 'THUMBNAILS_READY', sequence: 3 });
    expect(published).toContainEqual({ owner: 'alice', id: 'held' });
  });

  it('writes nothing once the lease is gone and returns the item as stored', async () => {
    const taken = {
      owner: 'alice',
      id: 'taken',
      status: 'PROCESSING',
      leaseToken: 'another-execution',
      sequence: 2,
    };
    const finished = {
      owner: 'alice',
      id: 'finished',
      status: 'COMPLETED',
      sequence: 5,
      thumbnails: [{ key: 'thumbnails/alice/finished/small-1.jpg', size: 'SMALL' }],
    };
    for (const item of [taken, finished])
      await documents.send(new PutCommand({ TableName: names.table, Item: item }));
    const milestones = createMilestones({ documents, appsync, tableName: names.table });
    published.length = 0;

    const checks = await Promise.all(
      ['taken', 'finished', 'deleted'].map((id) =>
        milestones.reachedUnderLease({ owner: 'alice', id }, 'THUMBNAILS_READY', token),
      ),
    );

    expect(checks).toEqual([
      { lease: 'lost', item: taken },
      { lease: 'lost', item: finished },
      { lease: 'lost', item: undefined },
    ]);
    expect(await stored('taken')).toEqual(taken);
    expect(await stored('finished')).toEqual(finished);
    expect(await stored('deleted')).toBeUndefined();
    expect(published).toEqual([]);
  });
});
