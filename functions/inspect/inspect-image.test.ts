import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  animatedGif,
  cmykJpeg,
  heicFixture,
  heicLike,
  jpeg,
  orientedJpeg,
  png16,
  pngPixelBomb,
  pngWithAlpha,
  textFile,
  truncatedJpeg,
  webp,
} from '../test-support/images.ts';
import { inspectImage } from './inspect-image.ts';

describe('inspectImage', () => {
  it('names a TIFF cut short as CorruptImage, not UnsupportedImage', async () => {
    const tiff = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#246' } })
      .tiff()
      .toBuffer();

    const inspecting = inspectImage(tiff.subarray(0, Math.floor(tiff.length / 2)));

    await expect(inspecting).rejects.toMatchObject({ name: 'CorruptImage' });
  });

  it('reads a JPEG’s dimensions, format and orientation', async () => {
    // Prepare
    const bytes = await jpeg(640, 480);

    // Act
    const facts = await inspectImage(bytes);

    // Assess
    expect(facts).toEqual({ width: 640, height: 480, format: 'jpeg', orientation: 1 });
  });

  it('swaps width and height for EXIF orientation 6', async () => {
    // Prepare: stored landscape, displayed portrait
    const bytes = await orientedJpeg(400, 200, 6);

    // Act
    const facts = await inspectImage(bytes);

    // Assess
    expect(facts).toEqual({ width: 200, height: 400, format: 'jpeg', orientation: 6 });
  });

  it('keeps width and height for orientation 3 (upside down)', async () => {
    const facts = await inspectImage(await orientedJpeg(400, 200, 3));

    expect(facts).toMatchObject({ width: 400, height: 200, orientation: 3 });
  });

  it.each([
    ['PNG with alpha', () => pngWithAlpha(320, 200), 'png'],
    ['16-bit PNG', () => png16(320, 200), 'png'],
    ['CMYK JPEG', () => cmykJpeg(320, 200), 'jpeg'],
    ['WebP', () => webp(320, 200), 'webp'],
  ])('accepts a %s', async (_name, make, format) => {
    const facts = await inspectImage(await make());

    expect(facts).toEqual({ width: 320, height: 200, format, orientation: 1 });
  });

  it('measures an animated GIF by its frame, not the strip of frames', async () => {
    const facts = await inspectImage(await animatedGif(120, 90));

    expect(facts).toEqual({ width: 120, height: 90, format: 'gif', orientation: 1 });
  });

  it('names AVIF as avif, not heif', async () => {
    const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a6' } })
      .avif({ effort: 0 })
      .toBuffer();

    const facts = await inspectImage(bytes);

    expect(facts).toMatchObject({ width: 64, height: 48, format: 'avif' });
  });

  it('refuses a 30,000 × 30,000 header-only pixel bomb as ImageTooLarge without decoding it', async () => {
    // Prepare
    const bomb = pngPixelBomb(30_000, 30_000);
    const started = performance.now();

    // Act
    const attempt = inspectImage(bomb);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ImageTooLarge', message: /12000 px/ });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses an image over 40 megapixels though both sides are within 12,000 px', async () => {
    const attempt = inspectImage(pngPixelBomb(7_000, 6_000));

    await expect(attempt).rejects.toMatchObject({ name: 'ImageTooLarge', message: /42\.0 megapixels/ });
  });

  it('refuses a truncated JPEG as CorruptImage', async () => {
    const attempt = inspectImage(await truncatedJpeg(800, 600));

    await expect(attempt).rejects.toMatchObject({ name: 'CorruptImage' });
  });

  it('refuses a text file named .jpg as UnsupportedImage', async () => {
    const attempt = inspectImage(textFile);

    await expect(attempt).rejects.toMatchObject({ name: 'UnsupportedImage', message: /JPEG, PNG/ });
  });

  it('decodes a real HEVC HEIF photograph (an iPhone HEIC) to its displayed size', async () => {
    const facts = await inspectImage(await readFile(heicFixture));

    expect(facts).toEqual({ width: 1280, height: 854, format: 'heic', orientation: 1 });
  });

  it('refuses a file with a HEIC brand but no image in it as CorruptImage', async () => {
    const attempt = inspectImage(heicLike());

    await expect(attempt).rejects.toMatchObject({ name: 'CorruptImage' });
  });

  it('refuses an SVG, which sharp could render but the pipeline does not accept', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );

    await expect(inspectImage(svg)).rejects.toMatchObject({ name: 'UnsupportedImage', message: /svg/ });
  });
});
