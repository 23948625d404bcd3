import { GetObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { photoPath } from '../test-support/images.ts';
import { s3Stub } from '../test-support/s3-stub.ts';
import { makeThumbnails } from '../thumbnails/make-thumbnails.ts';
import { blurThumbnails } from './blur-thumbnails.ts';

/** Mean absolute difference between neighbouring pixels: high for detail, near zero once blurred. */
async function detail(image: Buffer): Promise<number> {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (let y = 0; y < info.height; y += 1) {
    for (let x = 1; x < info.width; x += 1) {
      sum += Math.abs((data[y * info.width + x] ?? 0) - (data[y * info.width + x - 1] ?? 0));
    }
  }
  return sum / (info.height * (info.width - 1));
}

describe('blurThumbnails', () => {
  it('writes blurred renditions over the same six keys, from one read of the original', async () => {
    // Prepare: the thumbnails step has run on a real photo
    const original = await sharp(photoPath('astronaut.png')).jpeg().toBuffer();
    const s3 = s3Stub({ 'uploads/owner-1/img-1/original': original });
    const location = { bucket: 'bucket', owner: 'owner-1', id: 'img-1' };
    const made = await makeThumbnails(s3.client, { ...location, key: 'uploads/owner-1/img-1/original' });
    const clear = new Map(s3.puts.map((put) => [put.key, put.body]));
    s3.puts.length = 0;
    s3.mock.resetHistory();

    // Act
    const flagged = await blurThumbnails(s3.client, { ...location, thumbnails: made.thumbnails });

    // Assess
    expect(flagged.thumbnails).toEqual(made.thumbnails);
    // The placeholder is the blurred rendition's, not the clear one the thumbnails step gave.
    expect(flagged.placeholder.hash).not.toBe(made.placeholder.hash);
    expect(s3.mock.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(s3.puts.map((put) => put.key).sort()).toEqual([...clear.keys()].sort());
    for (const put of s3.puts) {
      const before = await detail(clear.get(put.key) ?? Buffer.alloc(0));
      const after = await detail(put.body);
      expect(after).toBeLessThan(before / 4);
    }
  });

  it('refuses, writing nothing, when a given thumbnail key is not one it would overwrite', async () => {
    const s3 = s3Stub({ 'uploads/o/i/original': await sharp(photoPath('coffee.png')).jpeg().toBuffer() });
    const stray = {
      size: 'SMALL',
      format: 'JPEG',
      width: 150,
      height: 100,
      contentType: 'image/jpeg',
      key: 'thumbnails/o/other/small.jpg',
    } as const;

    const attempt = blurThumbnails(s3.client, { bucket: 'b', owner: 'o', id: 'i', thumbnails: [stray] });

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError' });
    expect(s3.puts).toHaveLength(0);
  });
});
