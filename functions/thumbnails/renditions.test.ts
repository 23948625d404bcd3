import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  animated,
  cmykJpeg,
  heicFixture,
  jpeg,
  jpegWithGps,
  meanColour,
  orientedJpeg,
  png16,
  pngWithAlpha,
} from '../test-support/images.ts';
import { type Rendition, renderThumbnails } from './renditions.ts';

const dimensions = (renditions: Rendition[]) =>
  renditions.map(({ size, format, width, height }) => `${size} ${format} ${width}×${height}`).sort();

describe('renderThumbnails', () => {
  it('makes six renditions within the 150/300/600 bounding boxes, as JPEG and WebP', async () => {
    // Prepare
    const original = await jpeg(2000, 1500);

    // Act
    const renditions = await renderThumbnails(original);

    // Assess
    expect(dimensions(renditions)).toEqual([
      'LARGE JPEG 600×450',
      'LARGE WEBP 600×450',
      'MEDIUM JPEG 300×225',
      'MEDIUM WEBP 300×225',
      'SMALL JPEG 150×113',
      'SMALL WEBP 150×113',
    ]);
    for (const rendition of renditions) {
      const metadata = await sharp(rendition.body).metadata();
      expect(metadata.format).toBe(rendition.format === 'JPEG' ? 'jpeg' : 'webp');
      expect([metadata.width, metadata.height]).toEqual([rendition.width, rendition.height]);
      expect(rendition.contentType).toBe(rendition.format === 'JPEG' ? 'image/jpeg' : 'image/webp');
    }
  });

  it('renders a HEIC photograph through libheif, landscape as stored', async () => {
    const renditions = await renderThumbnails(await readFile(heicFixture));

    expect(dimensions(renditions)).toEqual([
      'LARGE JPEG 600×400',
      'LARGE WEBP 600×400',
      'MEDIUM JPEG 300×200',
      'MEDIUM WEBP 300×200',
      'SMALL JPEG 150×100',
      'SMALL WEBP 150×100',
    ]);
  });

  it('fits a portrait image by its height', async () => {
    const renditions = await renderThumbnails(await jpeg(900, 1200));

    expect(dimensions(renditions)).toContain('LARGE JPEG 450×600');
    expect(dimensions(renditions)).toContain('SMALL WEBP 113×150');
  });

  it('never enlarges: a 400 px image stays 400 px in the large box', async () => {
    const renditions = await renderThumbnails(await jpeg(400, 300));

    expect(dimensions(renditions)).toEqual([
      'LARGE JPEG 400×300',
      'LARGE WEBP 400×300',
      'MEDIUM JPEG 300×225',
      'MEDIUM WEBP 300×225',
      'SMALL JPEG 150×113',
      'SMALL WEBP 150×113',
    ]);
  });

  it('turns an EXIF orientation 6 image upright and drops the tag', async () => {
    // Prepare: stored 800×400, displayed 400×800
    const original = await orientedJpeg(800, 400, 6);

    // Act
    const renditions = await renderThumbnails(original);

    // Assess
    const large = renditions.find((r) => r.size === 'LARGE' && r.format === 'JPEG');
    expect([large?.width, large?.height]).toEqual([300, 600]);
    expect((await sharp(large?.body).metadata()).orientation).toBeUndefined();
  });

  it('strips EXIF, GPS included, from every rendition', async () => {
    // Prepare
    const original = await jpegWithGps(800, 600);
    expect((await sharp(original).metadata()).exif?.includes(Buffer.from('DarkroomCam'))).toBe(true);

    // Act
    const renditions = await renderThumbnails(original);

    // Assess
    for (const rendition of renditions) {
      const metadata = await sharp(rendition.body).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.xmp).toBeUndefined();
      expect(rendition.body.includes(Buffer.from('DarkroomCam'))).toBe(false);
    }
  });

  it('flattens alpha onto white for JPEG and keeps it for WebP', async () => {
    // Prepare: the left half is transparent red
    const original = await pngWithAlpha(800, 400);

    // Act
    const renditions = await renderThumbnails(original);

    // Assess
    const jpegLarge = renditions.find((r) => r.size === 'LARGE' && r.format === 'JPEG');
    const webpLarge = renditions.find((r) => r.size === 'LARGE' && r.format === 'WEBP');
    if (!jpegLarge || !webpLarge) throw new Error('missing large renditions');
    const left = await meanColour(jpegLarge.body, { left: 10, top: 10, width: 100, height: 100 });
    expect(left.r).toBeGreaterThan(250);
    expect(left.g).toBeGreaterThan(250);
    expect(left.b).toBeGreaterThan(250);
    const webpMetadata = await sharp(webpLarge.body).metadata();
    expect(webpMetadata.hasAlpha).toBe(true);
    const alpha = await sharp(webpLarge.body)
      .extract({ left: 10, top: 10, width: 100, height: 100 })
      .extractChannel(3)
      .stats();
    expect(alpha.channels[0]?.max).toBe(0);
  });

  it('converts a CMYK JPEG to sRGB', async () => {
    const renditions = await renderThumbnails(await cmykJpeg(600, 400));

    for (const rendition of renditions) {
      const metadata = await sharp(rendition.body).metadata();
      expect(metadata.space).toBe('srgb');
      expect(metadata.channels).toBe(3);
    }
  });

  it('converts an image with a Display P3 profile to sRGB pixels', async () => {
    // Prepare: sRGB (200, 50, 50) stored as P3 numbers, whose raw values differ from it
    const original = await sharp({
      create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 50, b: 50 } },
    })
      .withIccProfile('p3')
      .png()
      .toBuffer();
    const stored = await sharp(original).keepIccProfile().raw().toBuffer();
    expect(Math.abs((stored[0] ?? 0) - 200)).toBeGreaterThan(10);

    // Act
    const renditions = await renderThumbnails(original);

    // Assess
    const webpLarge = renditions.find((r) => r.size === 'LARGE' && r.format === 'WEBP');
    if (!webpLarge) throw new Error('missing large WebP');
    const colour = await meanColour(webpLarge.body, { left: 8, top: 8, width: 48, height: 48 });
    expect(colour.r).toBeCloseTo(200, -1);
    expect(colour.g).toBeCloseTo(50, -1);
    expect(colour.b).toBeCloseTo(50, -1);
  });

  it('reduces a 16-bit PNG to 8 bits per sample', async () => {
    const renditions = await renderThumbnails(await png16(600, 400));

    const webpLarge = renditions.find((r) => r.size === 'LARGE' && r.format === 'WEBP');
    expect(webpLarge?.width).toBe(600);
    for (const rendition of renditions) {
      expect((await sharp(rendition.body).metadata()).depth).toBe('uchar');
    }
  });

  it.each(['gif', 'webp'] as const)('takes the first frame of an animated %s only', async (format) => {
    // Prepare: frame 1 red, frame 2 blue
    const original = await animated(format, 200, 100);
    expect((await sharp(original).metadata()).pages).toBe(2);

    // Act
    const renditions = await renderThumbnails(original);

    // Assess
    expect(dimensions(renditions)).toContain('LARGE WEBP 200×100');
    for (const rendition of renditions) {
      const metadata = await sharp(rendition.body).metadata();
      expect(metadata.pages ?? 1).toBe(1);
      const colour = await meanColour(rendition.body, {
        left: 0,
        top: 0,
        width: rendition.width,
        height: rendition.height,
      });
      expect(colour.r).toBeGreaterThan(200);
      expect(colour.b).toBeLessThan(50);
    }
  });

  it('blurs every rendition when asked, keeping the sizes', async () => {
    // Prepare: a sharp-edged checkerboard of 20 px squares
    const squares = Array.from({ length: 30 * 20 }, (_, i) => {
      const x = i % 30;
      const y = Math.floor(i / 30);
      return (x + y) % 2 === 0 ? `<rect x="${x * 20}" y="${y * 20}" width="20" height="20"/>` : '';
    }).join('');
    const checkerboard = await sharp(
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"><rect width="600" height="400" fill="#fff"/>${squares}</svg>`,
      ),
    )
      .png()
      .toBuffer();

    // Act
    const sharpRenditions = await renderThumbnails(checkerboard);
    const blurred = await renderThumbnails(checkerboard, { blur: true });

    // Assess
    expect(dimensions(blurred)).toEqual(dimensions(sharpRenditions));
    const spread = async (image: Buffer) => (await sharp(image).greyscale().stats()).channels[0]?.stdev ?? 0;
    const before = sharpRenditions.find((r) => r.size === 'LARGE' && r.format === 'JPEG');
    const after = blurred.find((r) => r.size === 'LARGE' && r.format === 'JPEG');
    if (!before || !after) throw new Error('missing large renditions');
    expect(await spread(before.body)).toBeGreaterThan(100);
    expect(await spread(after.body)).toBeLessThan(10);
  });

  it('makes only the formats asked for', async () => {
    const renditions = await renderThumbnails(await jpeg(800, 600), { formats: ['JPEG'] });

    expect(dimensions(renditions)).toEqual([
      'LARGE JPEG 600×450',
      'MEDIUM JPEG 300×225',
      'SMALL JPEG 150×113',
    ]);
  });

  it('fails a truncated image as CorruptImage', async () => {
    const whole = await jpeg(800, 600);

    const attempt = renderThumbnails(whole.subarray(0, whole.length / 2));

    await expect(attempt).rejects.toMatchObject({ name: 'CorruptImage' });
  });

  it.each([
    [12_000, 8],
    [1000, 1],
  ])('renders a %i×%i strip, every side at least one pixel', async (width, height) => {
    const strip = await sharp({ create: { width, height, channels: 3, background: '#246' } })
      .png()
      .toBuffer();

    const renditions = await renderThumbnails(strip);

    expect(renditions).toHaveLength(6);
    for (const rendition of renditions) {
      const metadata = await sharp(rendition.body).metadata();
      expect([metadata.width, metadata.height]).toEqual([rendition.width, rendition.height]);
      expect(rendition.height).toBeGreaterThanOrEqual(1);
    }
  });
});
