import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusAttributes } from '../contracts/image-item.ts';
import { names } from '../contracts/names.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './providers/dynamodb/testing.ts';
import { processingImages, releaseLease, returnToPending } from './recovery.ts';

let dynamo: DynamoDbLocal;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

const startedAt = new Date('2026-11-30T10:00:00.000Z');
const restartedAt = new Date('2026-11-30T10:05:00.000Z');

async function storeProcessing(owner: string, id: string) {
  await DynamoDBDocumentClient.from(dynamo.client).send(
    new PutCommand({
      TableName: names.table,
      Item: {
        owner,
        id,
        fileName: 'photo.jpg',
        ...statusAttributes(owner, 'PROCESSING', startedAt.getTime() / 1000),
        createdAt: startedAt.toISOString(),
        updatedAt: startedAt.toISOString(),
      },
    }),
  );
}

describe('restart recovery', () => {
  it('finds a PROCESSING image and returns it to PENDING_UPLOAD with the attributes that status carries', async () => {
    // Prepare
    await storeProcessing('owner-r1', 'image-1');

    // Act
    const orphans = await processingImages(dynamo.client);
    const returned = await returnToPending(dynamo.client, { owner: 'owner-r1', id: 'image-1' }, restartedAt);

    // Assess
    expect(orphans).toContainEqual({ owner: 'owner-r1', id: 'image-1', leased: false });
    expect(returned).toBe(true);
    const { Item } = await DynamoDBDocumentClient.from(dynamo.client).send(
      new GetCommand({ TableName: names.table, Key: { owner: 'owner-r1', id: 'image-1' } }),
    );
    expect(Item).toEqual({
      owner: 'owner-r1',
      id: 'image-1',
      fileName: 'photo.jpg',
      ...statusAttributes('owner-r1', 'PENDING_UPLOAD', restartedAt.getTime() / 1000),
      createdAt: startedAt.toISOString(),
      updatedAt: restartedAt.toISOString(),
    });
    expect(await processingImages(dynamo.client)).not.toContainEqual(
      expect.objectContaining({ owner: 'owner-r1', id: 'image-1' }),
    );
  });

  it('leaves an image alone that is no longer PROCESSING', async () => {
    // Prepare
    await storeProcessing('owner-r2', 'image-2');
    await returnToPending(dynamo.client, { owner: 'owner-r2', id: 'image-2' }, restartedAt);

    // Act
    const returnedAgain = await returnToPending(
      dynamo.client,
      { owner: 'owner-r2', id: 'image-2' },
      restartedAt,
    );

    // Assess
    expect(returnedAgain).toBe(false);
  });

  it('tells a leased image (its message is still queued) apart and releases only its lease', async () => {
    // Prepare
    await storeProcessing('owner-r3', 'image-3');
    const documents = DynamoDBDocumentClient.from(dynamo.client);
    const key = { owner: 'owner-r3', id: 'image-3' };
    const { Item } = await documents.send(new GetCommand({ TableName: names.table, Key: key }));
    await documents.send(
      new PutCommand({
        TableName: names.table,
        Item: {
          ...Item,
          leaseToken: 'arn:dead-execution',
          leasedAt: startedAt.toISOString(),
          leaseAttempt: 2,
        },
      }),
    );

    // Act
    const orphans = await processingImages(dynamo.client);
    const released = await releaseLease(dynamo.client, key);

    // Assess
    expect(orphans).toContainEqual({ ...key, leased: true });
    expect(released).toBe(true);
    const after = await documents.send(new GetCommand({ TableName: names.table, Key: key }));
    expect(after.Item?.status).toBe('PROCESSING');
    expect(after.Item?.leaseToken).toBeUndefined();
    expect(after.Item?.leasedAt).toBe(startedAt.toISOString());
  });
});
