import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { heicFixture } from '../test-support/images.ts';
import { rekognitionLimits, renditionMaxSide, uprightJpeg } from './rekognition-image.ts';

describe('uprightJpeg', () => {
  it('shrinks a detailed image until its JPEG fits Rekognition’s 5 MB, keeping the aspect ratio', async () => {
    // Prepare: 3600×2000 of random pixels, which JPEG cannot compress below ~6 MB at full size
    const noise = await sharp(randomBytes(3600 * 2000 * 3), {
      raw: { width: 3600, height: 2000, channels: 3 },
    })
      .tiff({ compression: 'none' })
      .toBuffer();

    // Act
    const rendition = await uprightJpeg(noise, { width: 3600, height: 2000 });

    // Assess
    expect(rendition.length).toBeLessThanOrEqual(rekognitionLimits.maxBytes);
    const metadata = await sharp(rendition).metadata();
    expect(metadata.width).toBeLessThan(3600);
    expect((metadata.width ?? 0) / (metadata.height ?? 1)).toBeCloseTo(1.8, 1);
  });

  it('caps the long side of a large image', async () => {
    const big = await sharp({ create: { width: 5000, height: 1000, channels: 3, background: '#246' } })
      .png()
      .toBuffer();

    const rendition = await uprightJpeg(big, { width: 5000, height: 1000 });

    const metadata = await sharp(rendition).metadata();
    expect([metadata.width, metadata.height]).toEqual([renditionMaxSide, Math.round(renditionMaxSide / 5)]);
  });

  it('makes a JPEG Rekognition can read from a HEIC original', async () => {
    const rendition = await uprightJpeg(await readFile(heicFixture), { width: 1280, height: 854 });

    const metadata = await sharp(rendition).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['jpeg', 1280, 854]);
  });
  it.each([
    [12_000, 8],
    [1000, 1],
    [1, 1000],
  ])(
    'keeps an extreme aspect ratio (%i×%i) within JPEG’s and Rekognition’s sides by padding, not stretching',
    async (width, height) => {
      // Prepare: inside every documented upload limit, but enlarging the short side to 80 px would
      // make the long side wider than a JPEG can be.
      const strip = await sharp({ create: { width, height, channels: 3, background: '#246' } })
        .png()
        .toBuffer();

      // Act
      const rendition = await uprightJpeg(strip, { width, height });

      // Assess
      const metadata = await sharp(rendition).metadata();
      const sides = [metadata.width ?? 0, metadata.height ?? 0];
      expect(Math.min(...sides)).toBe(rekognitionLimits.minSide);
      expect(Math.max(...sides)).toBeLessThanOrEqual(renditionMaxSide);
      expect(metadata.width! > metadata.height!).toBe(width > height);
    },
  );
});
