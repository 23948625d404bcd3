import { createHash } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { jpeg } from '../test-support/images.ts';
import { loadHandler } from '../test-support/load-handler.ts';
import { getObjectOutput } from '../test-support/s3-stub.ts';

const s3 = mockClient(S3Client);
// The step's milestone write (functions/shared/milestones.ts): answered here, never sent.
const documents = mockClient(DynamoDBDocumentClient);

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
    });
    // Milestone INSPECTED with its facts (issue 19).
    const [milestone] = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(milestone?.ExpressionAttributeValues).toMatchObject({
      ':stage': 'INSPECTED',
      ':width': 320,
      ':height': 240,
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
