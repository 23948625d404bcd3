import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { stubVersionedBucket } from '../test-support/stored-images.ts';
import { markFailed } from './mark-failed.ts';

const owner = '5f2c8a1e-0000-4000-8000-000000000001';
const id = '01JDARKROOM0000000000000001';
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamoMock = mockClient(documents);
const s3 = new S3Client({ region: 'us-east-1' });
const s3Mock = mockClient(s3);
const deps = {
  documents,
  s3,
  tableName: 'Images',
  bucket: 'darkroom-images-test',
  now: () => new Date('2026-11-24T09:00:07.000Z'),
};

const leaseToken = 'arn:aws:states:us-east-1:000000000000:express:darkroom-pipeline:a:b';
const corruptImage = {
  Error: 'CorruptImage',
  Cause: JSON.stringify({ errorType: 'CorruptImage', errorMessage: 'premature end of JPEG', trace: [] }),
};

beforeEach(() => {
  dynamoMock.reset();
  s3Mock.reset();
  stubVersionedBucket(s3Mock, []);
});

describe('markFailed', () => {
  it('marks a PROCESSING image FAILED with the code and message, only under its own lease', async () => {
    // Prepare
    dynamoMock.on(UpdateCommand).resolves({});

    // Act
    const result = await markFailed(deps, { owner, id, error: corruptImage, leaseToken });

    // Assess
    expect(result).toEqual({ marked: true, code: 'CorruptImage', message: 'premature end of JPEG' });
    const input = dynamoMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ owner, id });
    expect(input?.ConditionExpression).toBe(
      'attribute_exists(#id) AND #status IN (:from0) AND leaseToken = :leaseToken',
    );
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':from0': 'PROCESSING',
      ':leaseToken': leaseToken,
      ':failed': 'FAILED',
      ':ownerStatus': `${owner}#FAILED`,
      ':error': { code: 'CorruptImage', message: 'premature end of JPEG' },
      ':at': '2026-11-24T09:00:07.000Z',
    });
    // Terminal but unannounced: the sweeper finds it by statusKey until publish records the announcement.
    // …and the terminal event takes the next sequence number (issue 19).
    expect(input?.UpdateExpression).toMatch(
      /statusKey = :unannounced REMOVE expiresAtEpoch ADD #sequence :sequenceStep$/,
    );
    expect(input?.ExpressionAttributeNames?.['#sequence']).toBe('sequence');
    expect(input?.ExpressionAttributeValues?.[':sequenceStep']).toBe(1);
    expect(input?.ExpressionAttributeValues?.[':unannounced']).toBe('UNANNOUNCED');
    expect(input?.UpdateExpression).toMatch(/processedAt = :at/);
  });

  it('deletes every version under the image’s thumbnail prefix once marked, and nothing else', async () => {
    // Prepare: a step wrote renditions (two versions of one key) before the image error.
    dynamoMock.on(UpdateCommand).resolves({});
    const { deleted } = stubVersionedBucket(s3Mock, [
      { key: `thumbnails/${owner}/${id}/small-0123456789abcdef.jpg`, versionId: 't2' },
      { key: `thumbnails/${owner}/${id}/small-0123456789abcdef.jpg`, versionId: 't1' },
      { key: `thumbnails/${owner}/${id}/large-fedcba9876543210.webp`, versionId: 't3' },
      { key: `uploads/${owner}/${id}/original`, versionId: 'o1' },
    ]);

    // Act
    await markFailed(deps, { owner, id, error: corruptImage, leaseToken });

    // Assess
    expect(deleted.map((d) => d.VersionId).sort()).toEqual(['t1', 't2', 't3']);
  });

  it('is a no-op, not an error, when the image is gone, finished or leased by a newer execution', async () => {
    // Prepare
    dynamoMock
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );

    // Act
    const result = await markFailed(deps, { owner, id, error: { Error: 'States.Timeout' }, leaseToken });

    // Assess
    expect(result).toEqual({ marked: false, code: 'States.Timeout', message: 'A pipeline step timed out.' });
    // Not ours to clean: a newer execution's renditions stay.
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });
});
