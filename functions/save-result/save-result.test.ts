import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { quotas } from '../../contracts/usage.ts';
import {
  anAnalysis,
  aStoredImage,
  imageObjectVersions,
  sixThumbnails,
  stubVersionedBucket,
} from '../test-support/stored-images.ts';
import { type SaveResultInput, saveResult } from './save-result.ts';

const owner = '5f2c8a1e-0000-4000-8000-000000000001';
const id = '01JDARKROOM0000000000000001';
const now = new Date('2026-11-24T09:00:05.000Z');

const s3 = new S3Client({ region: 'us-east-1' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const s3Mock = mockClient(s3);
const dynamoMock = mockClient(documents);
const silent = { info: () => {}, warn: () => {} };
const deps = {
  s3,
  documents,
  tableName: 'Images',
  bucket: 'darkroom-images-test',
  now: () => now,
  logger: silent,
};

function aResult(status: 'COMPLETED' | 'FLAGGED'): SaveResultInput {
  return {
    owner,
    id,
    status,
    image: { width: 1024, height: 768, format: 'png', orientation: 1, etag: '"9b2c"', bytes: 482_113 },
    thumbnails: sixThumbnails(owner, id),
    placeholder: { hash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', dominantColor: '#384858' },
    analysis: status === 'FLAGGED' ? { ...anAnalysis(), isSafe: false } : anAnalysis(),
    leaseToken: 'execution-1',
  };
}

/** Applies an UpdateItem's SET values to show the attributes it writes, by attribute name. */
function writtenAttributes(input: {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
  UpdateExpression?: string;
}) {
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  const set = /SET (.*?)(?: REMOVE |$)/.exec(input.UpdateExpression ?? '')?.[1] ?? '';
  const remove = / REMOVE (.*?)(?: ADD |$)/.exec(input.UpdateExpression ?? '')?.[1] ?? '';
  const added = / ADD (.*)$/.exec(input.UpdateExpression ?? '')?.[1] ?? '';
  return {
    added: added
      ? Object.fromEntries(
          added.split(', ').map((clause) => {
            const [name = '', value = ''] = clause.split(' ');
            return [names[name] ?? name, values[value]];
          }),
        )
      : {},
    set: Object.fromEntries(
      set.split(', ').map((clause) => {
        const [name = '', value = ''] = clause.split(' = ');
        return [names[name] ?? name, values[value]];
      }),
    ),
    removed: remove ? remove.split(', ').map((name) => names[name] ?? name) : [],
  };
}

/** DynamoDB cancelling the save because the image's own condition failed. */
function conditionFailed() {
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
    $metadata: {},
    CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
  });
}

/** DynamoDB cancelling the save because another transaction was writing one of its items. */
function conflicted() {
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
    $metadata: {},
    CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
  });
}

/** The image's Update of the save's transaction. */
function imageUpdate() {
  return dynamoMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Update;
}

beforeEach(() => {
  s3Mock.reset();
  dynamoMock.reset();
});

describe('saveResult', () => {
  it('writes a COMPLETED result only while the image is PROCESSING and leaves the byStatus index', async () => {
    // Prepare
    dynamoMock.on(TransactWriteCommand).resolves({});

    // Act
    const result = await saveResult(deps, aResult('COMPLETED'));

    // Assess
    expect(result).toEqual({ saved: true });
    const input = imageUpdate();
    expect(input?.Key).toEqual({ owner, id });
    expect(input?.ConditionExpression).toBe('#status = :processing AND #leaseToken = :leaseToken');
    expect(input?.ExpressionAttributeValues?.[':leaseToken']).toBe('execution-1');
    expect(input?.ExpressionAttributeNames?.['#status']).toBe('status');
    expect(input?.ExpressionAttributeValues?.[':processing']).toBe('PROCESSING');
    const { set, removed, added } = writtenAttributes(input ?? {});
    // The terminal event takes the next sequence number (issue 19).
    expect(added).toEqual({ sequence: 1 });
    expect(set).toEqual({
      status: 'COMPLETED',
      ownerStatus: `${owner}#COMPLETED`,
      width: 1024,
      height: 768,
      format: 'png',
      orientation: 1,
      etag: '"9b2c"',
      bytes: 482_113,
      size: 482_113,
      // Terminal but unannounced until the publish step records the announcement.
      statusKey: 'UNANNOUNCED',
      thumbnails: sixThumbnails(owner, id),
      placeholder: { hash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', dominantColor: '#384858' },
      analysis: anAnalysis(),
      updatedAt: '2026-11-24T09:00:05.000Z',
      processedAt: '2026-11-24T09:00:05.000Z',
      usageBytes: 482_113,
    });
    // TTL only while PENDING_UPLOAD; byStatus only while PROCESSING or FLAGGED.
    expect(removed).toEqual(['expiresAtEpoch']);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('records duplicateOf and the owner#sha256 lookup key, so a later identical upload finds this image', async () => {
    // Prepare
    dynamoMock.on(TransactWriteCommand).resolves({});
    const sha256 = 'ab'.repeat(32);
    const input = aResult('COMPLETED');

    // Act
    await saveResult(deps, { ...input, image: { ...input.image, sha256, duplicateOf: '01FIRST' } });

    // Assess
    const { set } = writtenAttributes(imageUpdate() ?? {});
    expect(set).toMatchObject({ sha256, duplicateOf: '01FIRST', ownerContent: `${owner}#${sha256}` });
  });

  it('records the review a duplicate inherits with COMPLETED, and never with FLAGGED', async () => {
    // Prepare
    dynamoMock.on(TransactWriteCommand).resolves({});
    const inheritedReview = {
      decision: 'APPROVE' as const,
      reviewer: 'moderator-1',
      reviewedAt: '2026-11-24T08:00:00.000Z',
      inheritedFrom: '01FIRST',
    };
    const unsafe = { ...aResult('FLAGGED').analysis };

    // Act
    await saveResult(deps, { ...aResult('COMPLETED'), analysis: unsafe, inheritedReview });
    await saveResult(deps, { ...aResult('FLAGGED'), inheritedReview });

    // Assess: the machine's analysis is stored as it is; the verdict is the inherited review
    const [completed, flagged] = dynamoMock
      .commandCalls(TransactWriteCommand)
      .map((call) => writtenAttributes(call.args[0].input.TransactItems?.[0]?.Update ?? {}).set);
    expect(completed).toMatchObject({ status: 'COMPLETED', analysis: unsafe, review: inheritedReview });
    // A FLAGGED image awaits its own review: reviewImage decides only an image with none yet.
    expect(flagged).toMatchObject({ status: 'FLAGGED' });
    expect(flagged).not.toHaveProperty('review');
  });

  it('writes no duplicateOf for an image that duplicates nothing', async () => {
    dynamoMock.on(TransactWriteCommand).resolves({});
    const input = aResult('FLAGGED');

    await saveResult(deps, {
      ...input,
      image: { ...input.image, sha256: 'cd'.repeat(32), duplicateOf: null },
    });

    const { set } = writtenAttributes(imageUpdate() ?? {});
    expect(set).not.toHaveProperty('duplicateOf');
    expect(set).toHaveProperty('ownerContent', `${owner}#${'cd'.repeat(32)}`);
  });

  it("adds the original's real size to the owner's bytesStored in the same transaction, only within bytesLimit", async () => {
    // Prepare
    dynamoMock.on(TransactWriteCommand).resolves({});

    // Act
    await saveResult(deps, aResult('COMPLETED'));

    // Assess
    const items = dynamoMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems;
    expect(items?.[1]).toEqual({
      Update: {
        TableName: 'Images',
        Key: { owner: `usage#${owner}`, id: 'total' },
        UpdateExpression: 'ADD #bytes :bytes',
        ConditionExpression: 'attribute_not_exists(#bytes) OR #bytes <= :room',
        ExpressionAttributeNames: { '#bytes': 'bytesStored' },
        ExpressionAttributeValues: { ':bytes': 482_113, ':room': quotas.bytesLimit - 482_113 },
      },
    });
  });

  it('fails the image with QuotaExceeded under its lease and deletes its objects when the bytes do not fit', async () => {
    // Prepare
    dynamoMock.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      }),
    );
    dynamoMock.on(UpdateCommand).resolves({});
    const bucket = stubVersionedBucket(s3Mock, imageObjectVersions(owner, id));

    // Act
    const result = await saveResult(deps, aResult('COMPLETED'));

    // Assess
    expect(result).toEqual({ saved: true });
    const failed = dynamoMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(failed?.ExpressionAttributeValues).toMatchObject({
      ':failed': 'FAILED',
      ':error': { code: 'QuotaExceeded', message: expect.stringContaining('bytesLimit') },
      ':leaseToken': aResult('COMPLETED').leaseToken,
    });
    expect(bucket.deleted.map((v) => v.Key).sort()).toEqual(
      imageObjectVersions(owner, id)
        .map((v) => v.key)
        .sort(),
    );
  });

  it('writes the label index (names and parents, lower-cased, once each) in the same transaction', async () => {
    // Prepare
    dynamoMock.on(TransactWriteCommand).resolves({});

    // Act
    await saveResult(deps, aResult('COMPLETED'));

    // Assess
    const items = dynamoMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems;
    expect(items?.slice(2)).toEqual([
      { Put: { TableName: 'Images', Item: { owner: `${owner}#label#coffee cup`, id } } },
      { Put: { TableName: 'Images', Item: { owner: `${owner}#label#cup`, id } } },
    ]);
  });

  describe('photo metadata', () => {
    const gps = { latitude: 48.8584, longitude: 2.2945 };
    const metadata = { cameraMake: 'FUJIFILM', cameraModel: 'X-T5', iso: 400, gps };
    const withMetadata = (): SaveResultInput => {
      const result = aResult('COMPLETED');
      return { ...result, image: { ...result.image, metadata, sha256: 'ab'.repeat(32) } };
    };

    it('writes the metadata and SHA-256 without the location, then the location only where keepLocation = true', async () => {
      // Prepare
      dynamoMock.on(TransactWriteCommand).resolves({});
      dynamoMock.on(UpdateCommand).resolves({});

      // Act
      await saveResult(deps, withMetadata());

      // Assess
      const { set } = writtenAttributes(imageUpdate() ?? {});
      expect(set.metadata).toEqual({ cameraMake: 'FUJIFILM', cameraModel: 'X-T5', iso: 400 });
      expect(set.sha256).toBe('ab'.repeat(32));
      const location = dynamoMock.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(location?.ConditionExpression).toBe('keepLocation = :true AND attribute_exists(metadata)');
      expect(location?.UpdateExpression).toBe('SET metadata.gps = :gps');
      expect(location?.ExpressionAttributeValues).toEqual({ ':true': true, ':gps': gps });
    });

    it('saves the result when the upload did not ask to keep the location', async () => {
      dynamoMock.on(TransactWriteCommand).resolves({});
      dynamoMock
        .on(UpdateCommand)
        .rejects(
          new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
        );

      await expect(saveResult(deps, withMetadata())).resolves.toEqual({ saved: true });
    });

    it('makes no location update for a photo without one', async () => {
      dynamoMock.on(TransactWriteCommand).resolves({});
      const result = withMetadata();

      await saveResult(deps, { ...result, image: { ...result.image, metadata: { iso: 100, gps: null } } });

      expect(dynamoMock.commandCalls(UpdateCommand)).toHaveLength(0);
    });
  });

  it('keeps a FLAGGED image in the byStatus index', async () => {
    // Prepare
    dynamoMock.on(TransactWriteCommand).resolves({});

    // Act
    await saveResult(deps, aResult('FLAGGED'));

    // Assess
    const { set, removed, added } = writtenAttributes(imageUpdate() ?? {});
    expect(added).toEqual({ sequence: 1 });
    expect(set).toMatchObject({
      status: 'FLAGGED',
      statusKey: 'UNANNOUNCED',
      ownerStatus: `${owner}#FLAGGED`,
    });
    expect(removed).toEqual(['expiresAtEpoch']);
  });

  it('deletes the thumbnails and every version of the original when the image was deleted meanwhile', async () => {
    // Prepare
    dynamoMock.on(TransactWriteCommand).rejects(conditionFailed());
    dynamoMock.on(GetCommand).resolves({});
    const versions = imageObjectVersions(owner, id);
    const expected = versions.map((v) => ({ Key: v.key, VersionId: v.versionId }));
    const bucket = stubVersionedBucket(s3Mock, versions);

    // Act
    const result = await saveResult(deps, aResult('COMPLETED'));

    // Assess
    expect(result).toEqual({ saved: false });
    expect(bucket.deleted).toHaveLength(expected.length);
    expect(bucket.deleted).toEqual(expect.arrayContaining(expected));
    expect(dynamoMock.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { owner, id },
      ConsistentRead: true,
    });
  });

  it('leaves the objects alone when the image still exists in another status', async () => {
    // Prepare
    dynamoMock.on(TransactWriteCommand).rejects(conditionFailed());
    dynamoMock.on(GetCommand).resolves({ Item: aStoredImage('FAILED', { owner, id }) });

    // Act
    const result = await saveResult(deps, aResult('COMPLETED'));

    // Assess
    expect(result).toEqual({ saved: false });
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it("sends the save again when another of the owner's transactions held their usage total", async () => {
    // Prepare
    dynamoMock.on(TransactWriteCommand).rejectsOnce(conflicted()).rejectsOnce(conflicted()).resolves({});

    // Act
    const result = await saveResult(deps, aResult('COMPLETED'));

    // Assess
    expect(result).toEqual({ saved: true });
    const sent = dynamoMock.commandCalls(TransactWriteCommand).map((call) => call.args[0].input);
    expect(sent).toHaveLength(3);
    expect(sent[2]).toEqual(sent[0]);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('fails on any other DynamoDB error, so the pipeline retries or catches it', async () => {
    // Prepare
    dynamoMock
      .on(TransactWriteCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const attempt = saveResult(deps, aResult('COMPLETED'));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(s3Mock.calls()).toHaveLength(0);
  });
});
