/**
 * What a gallery paints before the thumbnail arrives: a ThumbHash (about 25 bytes, base64) of the
 * image and its dominant colour. Both are computed from the 600 px rendition already in memory,
 * so the original is not decoded again; for a FLAGGED image that rendition is the blurred one.
 */
import { rgbaToThumbHash } from 'thumbhash';
import sharp from '../shared/sharp.ts';

/** ThumbHash encodes images of at most 100 px a side. */
const thumbHashMaxSide = 100;

export interface Placeholder {
  /** ThumbHash, standard base64. */
  hash: string;
  /** `#rrggbb`, sRGB. */
  dominantColor: string;
}

export interface RawRendition {
  data: Buffer;
  raw: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

export async function placeholderOf(rendition: RawRendition): Promise<Placeholder> {
  // Two pipelines on the same pixels, not `clone()`, which copies them (structuredClone of the input).
  const pixels = () => sharp(rendition.data, { raw: rendition.raw });
  const [small, stats] = await Promise.all([
    pixels()
      .resize(thumbHashMaxSide, thumbHashMaxSide, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true }),
    pixels().stats(),
  ]);
  const hash = rgbaToThumbHash(small.info.width, small.info.height, small.data);
  return { hash: Buffer.from(hash).toString('base64'), dominantColor: hexColour(stats.dominant) };
}

function hexColour({ r, g, b }: { r: number; g: number; b: number }): string {
  return `#${[r, g, b].map((value) => value.toString(16).padStart(2, '0')).join('')}`;
}
