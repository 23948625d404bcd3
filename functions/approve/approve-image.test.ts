import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, GetObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { approveImage } from './approve-image.ts';

const owner = '5f2c8a1e-0000-4000-8000-000000000001';
const id = '01JDARKROOM0000000000000001';
const token = 'arn:aws:states:us-east-1:000000000000:express:darkroom-pipeline:exec-1';

const s3 = new S3Client({ region: 'us-east-1' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const s3Mock = mockClient(s3);
const dynamoMock = mockClient(documents);
const deps = { s3, documents, tableName: 'Images', now: () => new Date(), log: () => {} };
const request = { bucket: 'darkroom-images-test', owner, id, leaseToken: token };

beforeEach(() => {
  s3Mock.reset();
  dynamoMock.reset();
  s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: [] });
});

describe('approveImage', () => {
  it('writes nothing when another execution holds the image', async () => {
    dynamoMock
      .on(GetCommand)
      .resolves({ Item: { owner, id, status: 'PROCESSING', leaseToken: 'someone-else' } });

    expect(await approveImage(deps, request)).toMatchObject({ saved: false });
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(dynamoMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('after a save under its own lease (a retry), only finishes the clean-up', async () => {
    const kept = [
      {
        size: 'LARGE',
        format: 'JPEG',
        width: 1,
        height: 1,
        contentType: 'image/jpeg',
        key: `thumbnails/${owner}/${id}/large-0123456789abcdef.jpg`,
      },
    ];
    dynamoMock
      .on(GetCommand)
      .resolves({ Item: { owner, id, status: 'COMPLETED', leaseToken: token, thumbnails: kept } });

    expect(await approveImage(deps, request)).toMatchObject({ saved: true, thumbnails: 1 });
    expect(s3Mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(dynamoMock.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input.Prefix)).toEqual([
      `thumbnails/${owner}/${id}/`,
      `quarantine/${owner}/${id}/`,
      `uploads/${owner}/${id}/`,
    ]);
  });

  it('removes every object of an image deleted while it was being approved', async () => {
    dynamoMock.on(GetCommand).resolves({});

    expect(await approveImage(deps, request)).toMatchObject({ saved: false });
    expect(s3Mock.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input.Prefix)).toEqual([
      `uploads/${owner}/${id}/`,
      `quarantine/${owner}/${id}/`,
      `thumbnails/${owner}/${id}/`,
    ]);
  });
});
