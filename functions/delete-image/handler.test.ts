import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadHandler } from '../test-support/load-handler.ts';
import { aStoredImage, imageObjectVersions, stubVersionedBucket } from '../test-support/stored-images.ts';

const s3Mock = mockClient(S3Client);
const dynamoMock = mockClient(DynamoDBDocumentClient);

const { handler } = await loadHandler(() => import('./handler.ts'));

beforeEach(() => {
  s3Mock.reset();
  dynamoMock.reset();
  dynamoMock.on(BatchWriteCommand).resolves({});
});

describe('delete-image handler', () => {
  it('deletes the caller’s image in the configured table and bucket', async () => {
    // Prepare
    const item = aStoredImage('FLAGGED', { owner: 'owner-1', id: 'image-1' });
    dynamoMock.on(GetCommand).resolves({ Item: item });
    dynamoMock.on(DeleteCommand).resolves({ Attributes: item });
    const bucket = stubVersionedBucket(s3Mock, imageObjectVersions('owner-1', 'image-1'));

    // Act
    const deleted = await handler({ owner: 'owner-1', id: 'image-1' });

    // Assess
    expect(deleted).toMatchObject({ owner: 'owner-1', id: 'image-1', status: 'FLAGGED' });
    expect(bucket.deleted).toHaveLength(imageObjectVersions('owner-1', 'image-1').length);
    expect(s3Mock.commandCalls(ListObjectVersionsCommand)[0]?.args[0].input.Bucket).toBe(
      'darkroom-images-test',
    );
    expect(dynamoMock.commandCalls(DeleteCommand)[0]?.args[0].input.TableName).toBe('Images');
  });

  it('refuses an event without an id', async () => {
    // Act
    const attempt = handler({ owner: 'owner-1' });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /id/ });
    expect(dynamoMock.calls()).toHaveLength(0);
  });
});
