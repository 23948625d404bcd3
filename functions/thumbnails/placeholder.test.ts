import sharp, { type Sharp } from 'sharp';
import { thumbHashToApproximateAspectRatio, thumbHashToRGBA } from 'thumbhash';
import { describe, expect, it } from 'vitest';
import { photo } from '../test-support/images.ts';
import { placeholderOf } from './placeholder.ts';

async function rawOf(image: Sharp) {
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data, raw: { width: info.width, height: info.height, channels: info.channels } };
}

describe('placeholderOf', () => {
  it.each([
    ['landscape', 600, 400],
    ['portrait', 300, 600],
  ])('gives a %s image a ThumbHash that decodes to its aspect ratio', async (_name, width, height) => {
    const placeholder = await placeholderOf(await rawOf(photo(width, height)));

    // A ThumbHash renders at most 32 px a side, so its ratio is close, not exact: within 15%.
    const hash = Buffer.from(placeholder.hash, 'base64');
    const decoded = thumbHashToRGBA(hash);
    expect(decoded.rgba).toHaveLength(decoded.w * decoded.h * 4);
    expect(Math.abs(decoded.w / decoded.h / (width / height) - 1)).toBeLessThan(0.15);
    expect(Math.abs(thumbHashToApproximateAspectRatio(hash) / (width / height) - 1)).toBeLessThan(0.15);
  });

  it('names the colour that covers the image as dominant, as #rrggbb', async () => {
    const red = sharp({ create: { width: 200, height: 100, channels: 3, background: '#e01010' } });

    const placeholder = await placeholderOf(await rawOf(red));

    expect(placeholder.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    const [r, g, b] = [1, 3, 5].map((at) => Number.parseInt(placeholder.dominantColor.slice(at, at + 2), 16));
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(40);
    expect(b).toBeLessThan(40);
  });
});
