import { GetObjectCommand, type GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { jpeg } from '../test-support/images.ts';

let handler: typeof import('./handler.ts').handler;
const s3 = mockClient(S3Client);

beforeAll(async () => {
  process.env.BUCKET_NAME = 'darkroom-images-test';
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  ({ handler } = await import('./handler.ts'));
});

describe('inspect handler', () => {
  it('returns the contract’s record for the original', async () => {
    // Prepare
    const bytes = await jpeg(320, 240);
    s3.on(GetObjectCommand, { Bucket: 'darkroom-images-test', Key: 'uploads/o/i/original' }).resolves({
      Body: {
        transformToByteArray: async () => new Uint8Array(bytes),
      } as unknown as GetObjectCommandOutput['Body'],
      ContentLength: bytes.length,
      ETag: '"abc123"',
    });

    // Act
    const result = await handler({
      bucket: 'darkroom-images-test',
      key: 'uploads/o/i/original',
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
    });
  });

  it('refuses an event for another bucket with a ValidationError naming the field', async () => {
    const attempt = handler({ bucket: 'someone-else', key: 'uploads/o/i/original', owner: 'o', id: 'i' });

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /bucket/ });
  });
});
