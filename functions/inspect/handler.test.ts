import { createHash } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { jpeg } from '../test-support/images.ts';
import { loadHandler } from '../test-support/load-handler.ts';
import { getObjectOutput } from '../test-support/s3-stub.ts';
import { anAnalysis, sixThumbnails } from '../test-support/stored-images.ts';

const s3 = mockClient(S3Client);
// Duplicate lookups and the step's milestone write (functions/shared/milestones.ts): answered here.
const dynamo = mockClient(DynamoDBDocumentClient);

const { handler } = await loadHandler(() => import('./handler.ts'));

describe('inspect handler', () => {
  it('returns the contract’s record for the original', async () => {
    // Prepare
    const bytes = await jpeg(320, 240);
    s3.on(GetObjectCommand, {
      Bucket: 'darkroom-images-test',
      Key: 'uploads/o/i/original',
      VersionId: 'v-1',
    }).resolves(getObjectOutput(bytes, '"abc123"'));
    dynamo.on(QueryCommand).resolves({ Items: [] });

    // Act
    const result = await handler({
      bucket: 'darkroom-images-test',
      key: 'uploads/o/i/original',
      versionId: 'v-1',
      owner: 'o',
      id: 'i',
    });

    // Assess
    expect(result).toEqual({
      width: 320,
      height: 240,
      format: 'jpeg',
      orientation: 1,
      bytes: bytes.length,
      etag: 'abc123',
      metadata: null,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      duplicateOf: null,
    });
  });

  it('names the owner’s settled image with the same bytes as duplicateOf, looked up by owner and hash', async () => {
    // Prepare
    dynamo.reset();
    const bytes = await jpeg(64, 48);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    s3.on(GetObjectCommand).resolves(getObjectOutput(bytes, '"e"'));
    dynamo.on(QueryCommand).resolves({ Items: [{ owner: 'o', id: 'first', ownerContent: `o#${sha256}` }] });
    dynamo.on(GetCommand, { Key: { owner: 'o', id: 'first' } }).resolves({
      Item: {
        owner: 'o',
        id: 'first',
        status: 'COMPLETED',
        sha256,
        thumbnails: sixThumbnails('o', 'first'),
        placeholder: { hash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', dominantColor: '#384858' },
        analysis: anAnalysis(),
      },
    });

    // Act
    const result = await handler({
      bucket: 'darkroom-images-test',
      key: 'uploads/o/second/original',
      versionId: 'v-1',
      owner: 'o',
      id: 'second',
    });

    // Assess
    expect(result.duplicateOf).toBe('first');
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'byOwnerContent',
      ExpressionAttributeValues: { ':ownerContent': `o#${sha256}` },
    });
    // Milestone INSPECTED with its facts (issue 19), a duplicate's too.
    const [milestone] = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(milestone?.ExpressionAttributeValues).toMatchObject({
      ':stage': 'INSPECTED',
      ':width': 64,
      ':height': 48,
      ':format': 'jpeg',
    });
  });

  it('refuses an event without the original’s version: an unpinned read could see other bytes', async () => {
    const attempt = handler({
      bucket: 'darkroom-images-test',
      key: 'uploads/o/i/original',
      owner: 'o',
      id: 'i',
    });

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /versionId/ });
  });

  it('refuses an event for another bucket with a ValidationError naming the field', async () => {
    const attempt = handler({
      bucket: 'someone-else',
      key: 'uploads/o/i/original',
      versionId: 'v-1',
      owner: 'o',
      id: 'i',
    });

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /bucket/ });
  });
});
