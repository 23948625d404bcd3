import { createHash } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpeg } from '../test-support/images.ts';
import { s3Stub, stubVersionId } from '../test-support/s3-stub.ts';
import { makeThumbnails } from './make-thumbnails.ts';

describe('makeThumbnails', () => {
  it('writes six thumbnails under the image’s keys with their content types and a Cache-Control', async () => {
    // Prepare
    const s3 = s3Stub({ 'uploads/owner-1/img-1/original': await jpeg(1200, 800) });

    // Act
    const result = await makeThumbnails(s3.client, {
      bucket: 'bucket',
      key: 'uploads/owner-1/img-1/original',
      versionId: stubVersionId,
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
      key: expect.stringMatching(/^thumbnails\/owner-1\/img-1\/medium-[0-9a-f]{16}\.webp$/),
    });
    expect(s3.puts.map((put) => put.key).sort()).toEqual(result.thumbnails.map((t) => t.key).sort());
    for (const put of s3.puts) {
      // The revision in the key is the hash of exactly these bytes: a key names one rendition.
      expect(put.key).toContain(`-${createHash('sha256').update(put.body).digest('hex').slice(0, 16)}.`);
      const thumbnail = result.thumbnails.find((t) => t.key === put.key);
      expect(put.contentType).toBe(thumbnail?.contentType);
      expect(put.cacheControl).toMatch(/max-age=\d+/);
      const metadata = await sharp(put.body).metadata();
      expect([metadata.width, metadata.height]).toEqual([thumbnail?.width, thumbnail?.height]);
    }
  });

  it('renders the version the event names, not the latest one', async () => {
    // Prepare: a second POST with the same ticket stored other bytes after the first claimed the item
    const key = 'uploads/o/i/original';
    const s3 = s3Stub({ [key]: await jpeg(240, 480) }, { [key]: { 'v-1': await jpeg(640, 480) } });

    // Act
    const result = await makeThumbnails(s3.client, {
      bucket: 'b',
      key,
      versionId: 'v-1',
      owner: 'o',
      id: 'i',
    });

    // Assess
    const large = result.thumbnails.find((t) => t.size === 'LARGE' && t.format === 'JPEG');
    expect([large?.width, large?.height]).toEqual([600, 450]);
  });

  it('reads the original once', async () => {
    const s3 = s3Stub({ 'uploads/o/i/original': await jpeg(640, 480) });

    await makeThumbnails(s3.client, {
      bucket: 'b',
      key: 'uploads/o/i/original',
      versionId: stubVersionId,
      owner: 'o',
      id: 'i',
    });

    expect(s3.mock.commandCalls(GetObjectCommand)).toHaveLength(1);
  });
});
