/**
 * `checkLease` against DynamoDB Local: its condition holds only while the image is PROCESSING under
 * the caller's token, it changes nothing on the item, and when it fails it returns the item as
 * stored (the flag step judges its own writes by it).
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/providers/dynamodb/testing.ts';
import { checkLease } from './lease-check.ts';

const token = 'arn:aws:states:us-east-1:000000000000:express:darkroom-pipeline:stale:1';
let local: DynamoDbLocal;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  local = await startDynamoDbLocal();
  documents = DynamoDBDocumentClient.from(local.client);
}, 90_000);

afterAll(async () => {
  await local?.stop();
});

async function put(item: Record<string, unknown>) {
  await documents.send(new PutCommand({ TableName: names.table, Item: { owner: 'bob', ...item } }));
}

async function stored(id: string) {
  const { Item } = await documents.send(
    new GetCommand({ TableName: names.table, Key: { owner: 'bob', id }, ConsistentRead: true }),
  );
  return Item;
}

describe('checkLease on DynamoDB Local', () => {
  it('holds while the image is PROCESSING under the token, and leaves the item as it was', async () => {
    // Prepare
    const item = {
      id: 'held',
      status: 'PROCESSING',
      leaseToken: token,
      leasedAt: '2026-12-01T10:00:00.000Z',
      sequence: 3,
    };
    await put(item);

    // Act
    const hold = await checkLease({ documents, tableName: names.table }, { owner: 'bob', id: 'held' }, token);

    // Assess
    expect(hold).toEqual({ held: true });
    expect(await stored('held')).toEqual({ owner: 'bob', ...item });
  });

  it('does not hold under a newer execution’s lease, a released one, a settled or a deleted image, and returns what is stored', async () => {
    // Prepare: a redrive's execution took the lease over; a platform failure released it; the sweeper failed it
    const cases = [
      { id: 'taken', status: 'PROCESSING', leaseToken: 'arn:newer-execution', sequence: 1 },
      { id: 'released', status: 'PROCESSING', sequence: 2 },
      { id: 'failed', status: 'FAILED', leaseToken: token, sequence: 4 },
      {
        id: 'flagged',
        status: 'FLAGGED',
        sequence: 5,
        thumbnails: [{ key: 'thumbnails/bob/flagged/small-1.jpg' }],
      },
    ];
    for (const item of cases) await put(item);

    // Act
    const holds = await Promise.all(
      [...cases.map((item) => item.id), 'deleted'].map((id) =>
        checkLease({ documents, tableName: names.table }, { owner: 'bob', id }, token),
      ),
    );

    // Assess
    expect(holds).toEqual([
      ...cases.map((item) => ({ held: false, item: { owner: 'bob', ...item } })),
      { held: false, item: undefined },
    ]);
    for (const item of cases) expect(await stored(item.id)).toEqual({ owner: 'bob', ...item });
  });

  it('throws any failure but the condition’s: a step that cannot tell must not act as the holder', async () => {
    const attempt = checkLease({ documents, tableName: 'NoSuchTable' }, { owner: 'bob', id: 'held' }, token);

    await expect(attempt).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
