import { GetObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpeg } from '../test-support/images.ts';
import { s3Stub } from '../test-support/s3-stub.ts';
import { makeThumbnails } from './make-thumbnails.ts';

describe('makeThumbnails', () => {
  it('writes six thumbnails under the image’s keys with their content types and a Cache-Control', async () => {
    // Prepare
    const s3 = s3Stub({ 'uploads/owner-1/img-1/original': await jpeg(1200, 800) });

    // Act
    const result = await makeThumbnails(s3.client, {
      bucket: 'bucket',
      key: 'uploads/owner-1/img-1/original',
      owner: 'owner-1',
      id: 'img-1',
    });

    // Assess
    expect(result.thumbnails).toHaveLength(6);
    expect(result.placeholder).toEqual({
      hash: expect.stringMatching(/^[A-Za-z0-9+/]{20,}={0,2}$/),
      dominantColor: expect.stringMatching(/^#[0-9a-f]{6}$/),
    });
    expect(result.thumbnails).toContainEqual({
      size: 'MEDIUM',
      format: 'WEBP',
      width: 300,
      height: 200,
      contentType: 'image/webp',
      key: 'thumbnails/owner-1/img-1/medium.webp',
    });
    expect(s3.puts.map((put) => put.key).sort()).toEqual([
      'thumbnails/owner-1/img-1/large.jpg',
      'thumbnails/owner-1/img-1/large.webp',
      'thumbnails/owner-1/img-1/medium.jpg',
      'thumbnails/owner-1/img-1/medium.webp',
      'thumbnails/owner-1/img-1/small.jpg',
      'thumbnails/owner-1/img-1/small.webp',
    ]);
    for (const put of s3.puts) {
      const thumbnail = result.thumbnails.find((t) => t.key === put.key);
      expect(put.contentType).toBe(thumbnail?.contentType);
      expect(put.cacheControl).toMatch(/max-age=\d+/);
      const metadata = await sharp(put.body).metadata();
      expect([metadata.width, metadata.height]).toEqual([thumbnail?.width, thumbnail?.height]);
    }
  });

  it('reads the original once', async () => {
    const s3 = s3Stub({ 'uploads/o/i/original': await jpeg(640, 480) });

    await makeThumbnails(s3.client, { bucket: 'b', key: 'uploads/o/i/original', owner: 'o', id: 'i' });

    expect(s3.mock.commandCalls(GetObjectCommand)).toHaveLength(1);
  });
});
