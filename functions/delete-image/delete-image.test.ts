import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { aStoredImage, imageObjectVersions, stubVersionedBucket } from '../test-support/stored-images.ts';
import { deleteImage } from './delete-image.ts';

const owner = '5f2c8a1e-0000-4000-8000-000000000001';
const id = '01JDARKROOM0000000000000001';
const tableName = 'Images';
const bucket = 'darkroom-images-test';

const s3 = new S3Client({ region: 'us-east-1' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const s3Mock = mockClient(s3);
const dynamoMock = mockClient(documents);
const deps = { s3, documents, tableName, bucket };

beforeEach(() => {
  s3Mock.reset();
  dynamoMock.reset();
  dynamoMock.on(BatchWriteCommand).resolves({});
});

describe('deleteImage', () => {
  it('deletes every version and delete marker under the uploads, quarantine and thumbnail prefixes, then the item', async () => {
    // Prepare
    const item = aStoredImage('COMPLETED', { owner, id });
    const neighbour = { key: `uploads/${owner}/01JDARKROOM0000000000000002/original`, versionId: 'v-other' };
    const versions = [...imageObjectVersions(owner, id), neighbour];
    const expected = imageObjectVersions(owner, id).map((v) => ({ Key: v.key, VersionId: v.versionId }));
    const log: string[] = [];
    const bucketStub = stubVersionedBucket(s3Mock, versions, log);
    dynamoMock.on(GetCommand).resolves({ Item: item });
    dynamoMock.on(DeleteCommand).callsFake(() => {
      log.push('dynamodb:DeleteItem');
      return { Attributes: item };
    });

    // Act
    const deleted = await deleteImage(deps, { owner, id });

    // Assess
    expect(bucketStub.deleted).toHaveLength(expected.length);
    expect(bucketStub.deleted).toEqual(expect.arrayContaining(expected));
    expect(versions).toEqual([neighbour]);
    expect(log.indexOf('dynamodb:DeleteItem')).toBeGreaterThan(log.indexOf('s3:DeleteObjects'));
    const prefixes = s3Mock.commandCalls(ListObjectVersionsCommand).map((call) => call.args[0].input.Prefix);
    expect(new Set(prefixes)).toEqual(
      new Set([`uploads/${owner}/${id}/`, `quarantine/${owner}/${id}/`, `thumbnails/${owner}/${id}/`]),
    );
    expect(dynamoMock.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      TableName: tableName,
      Key: { owner, id },
    });
    expect(deleted).toMatchObject({ id, owner, status: 'COMPLETED', fileName: 'coffee.png', width: 1024 });
    expect(deleted?.thumbnails).toHaveLength(6);
    // Its label index items (label names and parents, lower-cased) go with it.
    expect(dynamoMock.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems).toEqual({
      Images: [
        { DeleteRequest: { Key: { owner: `${owner}#label#coffee cup`, id } } },
        { DeleteRequest: { Key: { owner: `${owner}#label#cup`, id } } },
      ],
    });
    expect(deleted).not.toHaveProperty('ownerStatus');
    expect(deleted).not.toHaveProperty('etag');
  });

  it('returns null without touching S3 or deleting anything for an unknown id', async () => {
    // Prepare
    dynamoMock.on(GetCommand).resolves({});

    // Act
    const deleted = await deleteImage(deps, { owner, id: 'no-such-image' });

    // Assess
    expect(deleted).toBeNull();
    expect(s3Mock.calls()).toHaveLength(0);
    expect(dynamoMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('keeps the item when S3 refuses to delete a version', async () => {
    // Prepare
    dynamoMock.on(GetCommand).resolves({ Item: aStoredImage('PENDING_UPLOAD', { owner, id }) });
    stubVersionedBucket(s3Mock, imageObjectVersions(owner, id));
    s3Mock.on(DeleteObjectsCommand).resolves({
      Errors: [{ Key: `uploads/${owner}/${id}/original`, Code: 'AccessDenied', Message: 'Access Denied' }],
    });

    // Act
    const attempt = deleteImage(deps, { owner, id });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'PurgeFailed', message: /AccessDenied/ });
    expect(dynamoMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('returns a PENDING_UPLOAD image with no thumbnails and nulls for what was never measured', async () => {
    // Prepare
    const item = aStoredImage('PENDING_UPLOAD', { owner, id });
    dynamoMock.on(GetCommand).resolves({ Item: item });
    dynamoMock.on(DeleteCommand).resolves({ Attributes: item });
    stubVersionedBucket(s3Mock, []);

    // Act
    const deleted = await deleteImage(deps, { owner, id });

    // Assess
    expect(deleted).toEqual({
      id,
      owner,
      fileName: 'coffee.png',
      contentType: 'image/png',
      size: 482_113,
      width: null,
      height: null,
      format: null,
      status: 'PENDING_UPLOAD',
      thumbnails: [],
      analysis: null,
      placeholder: null,
      metadata: null,
      duplicateOf: null,
      stage: null,
      sequence: null,
      review: null,
      error: null,
      createdAt: '2026-11-24T09:00:00.000Z',
      updatedAt: '2026-11-24T09:00:01.000Z',
      processedAt: null,
    });
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });
});
