import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { aRevision, type StoredVersion, stubVersionedBucket } from '../test-support/stored-images.ts';
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
  it('marks a PENDING_UPLOAD or PROCESSING image FAILED with the code and message', async () => {
    // Prepare
    dynamoMock.on(UpdateCommand).resolves({});

    // Act
    const result = await markFailed(deps, { owner, id, error: corruptImage });

    // Assess
    expect(result).toEqual({ marked: true, code: 'CorruptImage', message: 'premature end of JPEG' });
    const input = dynamoMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ owner, id });
    expect(input?.ConditionExpression).toBe('attribute_exists(#id) AND #status IN (:from0, :from1)');
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':from0': 'PENDING_UPLOAD',
      ':from1': 'PROCESSING',
      ':failed': 'FAILED',
      ':ownerStatus': `${owner}#FAILED`,
      ':error': { code: 'CorruptImage', message: 'premature end of JPEG' },
      ':at': '2026-11-24T09:00:07.000Z',
    });
    // Terminal but unannounced: the sweeper finds it by statusKey until publish records the announcement.
    expect(input?.UpdateExpression).toMatch(/statusKey = :unannounced REMOVE expiresAtEpoch$/);
    expect(input?.ExpressionAttributeValues?.[':unannounced']).toBe('UNANNOUNCED');
    expect(input?.UpdateExpression).toMatch(/processedAt = :at/);
  });

  it('deletes every thumbnail version a step wrote before the failure: a FAILED image owns none', async () => {
    // Prepare: thumbnails were written, then analysis failed
    dynamoMock.on(UpdateCommand).resolves({});
    const versions: StoredVersion[] = [
      { key: `thumbnails/${owner}/${id}/small-${aRevision}.jpg`, versionId: 'v-1' },
      { key: `thumbnails/${owner}/${id}/large-${aRevision}.webp`, versionId: 'v-2' },
      { key: `thumbnails/${owner}/other/small-${aRevision}.jpg`, versionId: 'v-3' },
    ];
    stubVersionedBucket(s3Mock, versions);

    // Act
    await markFailed(deps, { owner, id, error: corruptImage });

    // Assess
    expect(versions.map((v) => v.versionId)).toEqual(['v-3']);
  });

  it('is a no-op, not an error, when the image is gone or already finished', async () => {
    // Prepare
    dynamoMock
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );

    // Act
    const result = await markFailed(deps, { owner, id, error: { Error: 'States.Timeout' } });

    // Assess
    expect(result).toEqual({ marked: false, code: 'States.Timeout', message: 'A pipeline step timed out.' });
    // Its objects may be what a finished image points at: they stay.
    expect(s3Mock.commandCalls(ListObjectVersionsCommand)).toHaveLength(0);
  });
});
