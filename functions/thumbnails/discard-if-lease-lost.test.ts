import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { discardIfLeaseLost, leaseVerdict } from './discard-if-lease-lost.ts';

const token = 'arn:aws:states:us-east-1:000000000000:express:darkroom-pipeline:e-1:1';
const small = { key: 'thumbnails/o/i/small-0123456789abcdef.jpg', versionId: 'v-1' };
const large = { key: 'thumbnails/o/i/large-fedcba9876543210.webp', versionId: 'v-2' };

describe('leaseVerdict', () => {
  it('keeps everything while the image is PROCESSING under this execution’s lease', () => {
    expect(leaseVerdict({ status: 'PROCESSING', leaseToken: token }, token, [small, large])).toEqual({
      held: true,
      discard: [],
    });
  });

  it('discards every version it wrote under a FAILED or deleted image', () => {
    expect(leaseVerdict({ status: 'FAILED' }, token, [small, large])).toEqual({
      held: false,
      discard: [small, large],
    });
    expect(leaseVerdict(undefined, token, [small])).toEqual({ held: false, discard: [small] });
  });

  it('discards its writes when another execution holds the lease, or the lease was released', () => {
    expect(leaseVerdict({ status: 'PROCESSING', leaseToken: 'other' }, token, [small])).toEqual({
      held: false,
      discard: [small],
    });
    expect(leaseVerdict({ status: 'PROCESSING' }, token, [small])).toEqual({ held: false, discard: [small] });
  });

  it('leaves a finished image the keys its record lists (the same bytes) and discards the rest', () => {
    expect(
      leaseVerdict({ status: 'COMPLETED', thumbnails: [{ key: small.key }] }, token, [small, large]),
    ).toEqual({ held: false, discard: [large] });
    // Flag wrote blurred renditions under other keys: an unblurred late write goes.
    expect(leaseVerdict({ status: 'FLAGGED', thumbnails: [] }, token, [small])).toEqual({
      held: false,
      discard: [small],
    });
  });

  it('never deletes a write S3 gave no version: that would remove another writer’s object', () => {
    expect(leaseVerdict({ status: 'FAILED' }, token, [{ key: small.key }, large])).toEqual({
      held: false,
      discard: [large],
    });
  });
});

describe('discardIfLeaseLost', () => {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const s3 = new S3Client({ region: 'us-east-1' });
  const dynamoMock = mockClient(documents);
  const s3Mock = mockClient(s3);
  const deps = { documents, s3, tableName: 'Images', bucket: 'darkroom-images-test' };
  const image = { owner: 'o', id: 'i', leaseToken: token };

  beforeEach(() => {
    dynamoMock.reset();
    s3Mock.reset();
  });

  it('reads the lease consistently and returns while it is held', async () => {
    dynamoMock.on(GetCommand).resolves({ Item: { status: 'PROCESSING', leaseToken: token } });

    await discardIfLeaseLost(deps, image, [small, large]);

    expect(dynamoMock.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'Images',
      Key: { owner: 'o', id: 'i' },
      ConsistentRead: true,
    });
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('deletes exactly the versions it wrote under a FAILED image, then fails with LeaseLost', async () => {
    dynamoMock.on(GetCommand).resolves({ Item: { status: 'FAILED' } });
    s3Mock.on(DeleteObjectsCommand).resolves({});

    await expect(discardIfLeaseLost(deps, image, [small, large])).rejects.toMatchObject({
      name: 'LeaseLost',
      message: expect.stringMatching(/FAILED.*2 thumbnail version/),
    });

    expect(s3Mock.commandCalls(DeleteObjectsCommand)[0]?.args[0].input).toEqual({
      Bucket: 'darkroom-images-test',
      Delete: {
        Objects: [
          { Key: small.key, VersionId: 'v-1' },
          { Key: large.key, VersionId: 'v-2' },
        ],
        Quiet: true,
      },
    });
  });

  it('reports versions S3 would not delete as PurgeFailed, which the pipeline retries', async () => {
    dynamoMock.on(GetCommand).resolves({});
    s3Mock
      .on(DeleteObjectsCommand)
      .resolves({ Errors: [{ Key: small.key, VersionId: 'v-1', Code: 'InternalError' }] });

    await expect(discardIfLeaseLost(deps, image, [small])).rejects.toMatchObject({ name: 'PurgeFailed' });
  });

  it('judges the item a failed lease-conditional write returned, without reading it again', async () => {
    s3Mock.on(DeleteObjectsCommand).resolves({});

    await expect(
      discardIfLeaseLost(deps, image, [small, large], {
        item: { status: 'COMPLETED', thumbnails: [{ key: small.key }] },
      }),
    ).rejects.toMatchObject({ name: 'LeaseLost', message: expect.stringMatching(/COMPLETED/) });
    // A deleted image came back as no item: everything this call wrote goes.
    await expect(discardIfLeaseLost(deps, image, [small], { item: undefined })).rejects.toMatchObject({
      name: 'LeaseLost',
      message: expect.stringMatching(/gone/),
    });

    expect(dynamoMock.commandCalls(GetCommand)).toHaveLength(0);
    expect(
      s3Mock.commandCalls(DeleteObjectsCommand).map((call) => call.args[0].input.Delete?.Objects),
    ).toEqual([[{ Key: large.key, VersionId: 'v-2' }], [{ Key: small.key, VersionId: 'v-1' }]]);
  });
});
