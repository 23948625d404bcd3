import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { aStoredImage } from '../test-support/stored-images.ts';
import { deleteImageItem } from './delete-item.ts';

const owner = '5f2c8a1e-0000-4000-8000-000000000001';
const id = '01JDARKROOM0000000000000001';
const key = { owner, id };
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamoMock = mockClient(documents);

beforeEach(() => dynamoMock.reset());

describe('deleteImageItem', () => {
  it("gives a saved image's counted bytes back in the same transaction as the delete", async () => {
    // Prepare
    const item = { ...aStoredImage('COMPLETED', key), usageBytes: 482_113 };
    dynamoMock.on(TransactWriteCommand).resolves({});

    // Act
    const deleted = await deleteImageItem(documents, 'Images', key, item);

    // Assess
    expect(deleted).toBe(item);
    expect(dynamoMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems).toEqual([
      {
        Delete: {
          TableName: 'Images',
          Key: key,
          ConditionExpression: '#usageBytes = :bytes',
          ExpressionAttributeNames: { '#usageBytes': 'usageBytes' },
          ExpressionAttributeValues: { ':bytes': 482_113 },
        },
      },
      {
        Update: {
          TableName: 'Images',
          Key: { owner: `usage#${owner}`, id: 'total' },
          UpdateExpression: 'ADD #bytes :bytes',
          ExpressionAttributeNames: { '#bytes': 'bytesStored' },
          ExpressionAttributeValues: { ':bytes': -482_113 },
        },
      },
    ]);
  });

  it("sends the delete again when another of the owner's transactions held their usage total", async () => {
    // Prepare
    const item = { ...aStoredImage('COMPLETED', key), usageBytes: 482_113 };
    const conflict = new TransactionCanceledException({
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
      $metadata: {},
      CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
    });
    dynamoMock.on(TransactWriteCommand).rejectsOnce(conflict).resolves({});

    // Act
    const deleted = await deleteImageItem(documents, 'Images', key, item);

    // Assess
    expect(deleted).toBe(item);
    expect(dynamoMock.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(dynamoMock.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('deletes an image that never counted bytes only while it still has none', async () => {
    // Prepare
    dynamoMock.on(DeleteCommand).resolves({});

    // Act
    await deleteImageItem(documents, 'Images', key, aStoredImage('PROCESSING', key));

    // Assess
    expect(dynamoMock.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      Key: key,
      ConditionExpression: 'attribute_not_exists(#usageBytes)',
    });
    expect(dynamoMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('reads again and gives the bytes back when the result was saved between read and delete', async () => {
    // Prepare
    dynamoMock
      .on(DeleteCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    dynamoMock.on(GetCommand).resolves({ Item: { ...aStoredImage('COMPLETED', key), usageBytes: 1000 } });
    dynamoMock.on(TransactWriteCommand).resolves({});

    // Act
    await deleteImageItem(documents, 'Images', key, aStoredImage('PROCESSING', key));

    // Assess
    const items = dynamoMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems;
    expect(items?.[1]?.Update?.ExpressionAttributeValues).toEqual({ ':bytes': -1000 });
  });

  it('answers null when the item is gone by the time it reads again', async () => {
    // Prepare
    dynamoMock
      .on(DeleteCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    dynamoMock.on(GetCommand).resolves({});

    // Act + Assess
    expect(await deleteImageItem(documents, 'Images', key, aStoredImage('PROCESSING', key))).toBeNull();
  });
});
