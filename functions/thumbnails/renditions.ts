/**
 * The six thumbnails of an original (small 150, medium 300, large 600 px bounding boxes, each as
 * JPEG and WebP), made with one decode of the original: the large rendition is made from it, and
 * medium and small are derived from that in-memory rendition. sharp's `clone()` alone would decode
 * the original once per output; bench/thumbnails.bench.ts measures the difference.
 */
import type { ThumbnailFormat, ThumbnailSize } from '../../generated/schema.ts';
import { openImage } from '../shared/decode-heic.ts';
import { toImageError } from '../shared/image-errors.ts';
import sharp from '../shared/sharp.ts';
import { type Placeholder, placeholderOf } from './placeholder.ts';

export const thumbnailSizes = [
  { size: 'SMALL', name: 'small', box: 150 },
  { size: 'MEDIUM', name: 'medium', box: 300 },
  { size: 'LARGE', name: 'large', box: 600 },
] as const satisfies ReadonlyArray<{ size: ThumbnailSize; name: string; box: number }>;

export const thumbnailFormats = [
  { format: 'JPEG', extension: 'jpg', contentType: 'image/jpeg' },
  { format: 'WEBP', extension: 'webp', contentType: 'image/webp' },
] as const satisfies ReadonlyArray<{ format: ThumbnailFormat; extension: string; contentType: string }>;

const largestBox = Math.max(...thumbnailSizes.map((spec) => spec.box));

export interface Rendition {
  size: ThumbnailSize;
  /** The size's name in the key: small, medium, large. */
  sizeName: (typeof thumbnailSizes)[number]['name'];
  format: ThumbnailFormat;
  extension: (typeof thumbnailFormats)[number]['extension'];
  contentType: string;
  width: number;
  height: number;
  body: Buffer;
}

export interface RenditionOptions {
  /** Blur every rendition beyond recognition (flagged images). */
  blur?: boolean;
  /** Only these formats (default both); the benchmark compares JPEG-only runs with published figures. */
  formats?: readonly ThumbnailFormat[];
}

/**
 * Encodings chosen by measurement on a 600 px photographic rendition, one core (sharp 0.35):
 * JPEG q85 4.1 ms / 53 KB; q80 + optimised Huffman 4.2 ms / 44 KB; mozjpeg q80 24.6 ms / 37 KB.
 * WebP q80 effort 4 27.2 ms / 29 KB; effort 2 13.1 ms / 31 KB; effort 0 10.7 ms / 35 KB.
 * JPEG q80 with optimised coding: 17% smaller than q85 for nothing; mozjpeg saves 15% more at six
 * times the time. WebP effort 2: within 5% of effort 4's size at half its time.
 */
export const jpegOptions = { quality: 80, optimiseCoding: true, mozjpeg: false } as const;
export const webpOptions = { quality: 80, effort: 2 } as const;

/** Relative to the rendition's long side: 5% leaves shapes and colours, nothing recognisable. */
const blurSigmaPerPixel = 0.05;

export async function renderThumbnails(
  original: Buffer,
  options: RenditionOptions = {},
): Promise<Rendition[]> {
  return (await renderImage(original, options)).renditions;
}

/** The renditions and the placeholder, both from the one in-memory large rendition. */
export async function renderImage(
  original: Buffer,
  options: RenditionOptions = {},
): Promise<{ renditions: Rendition[]; placeholder: Placeholder }> {
  const large = await largeRendition(original, options);
  const formats = thumbnailFormats.filter((spec) => options.formats?.includes(spec.format) ?? true);
  const [perSize, placeholder] = await Promise.all([
    Promise.all(thumbnailSizes.map((size) => encodeSize(large, size, formats))),
    placeholderOf(large),
  ]);
  return { renditions: perSize.flat(), placeholder };
}

interface RawImage {
  data: Buffer;
  raw: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

/** The one decode of the original: oriented, sRGB, 8-bit, at most 600 px, alpha kept (WebP keeps it). */
async function largeRendition(original: Buffer, options: RenditionOptions): Promise<RawImage> {
  try {
    // Default pages=1: the first frame of an animated GIF/WebP. JPEG and WebP shrink on load here;
    // HEIC arrives as libheif's already-upright pixels, which autoOrient leaves alone.
    const { data, info } = await (await openImage(original))
      .autoOrient()
      .resize(largestBox, largestBox, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const raw = { width: info.width, height: info.height, channels: info.channels };
    if (!options.blur) return { data, raw };
    const sigma = Math.max(3, blurSigmaPerPixel * Math.max(info.width, info.height));
    const blurred = await sharp(data, { raw }).blur(sigma).raw().toBuffer({ resolveWithObject: true });
    return { data: blurred.data, raw: { ...raw, channels: blurred.info.channels } };
  } catch (error) {
    throw toImageError(error);
  }
}

async function encodeSize(
  large: RawImage,
  spec: (typeof thumbnailSizes)[number],
  formats: ReadonlyArray<(typeof thumbnailFormats)[number]>,
): Promise<Rendition[]> {
  // A new pipeline per output, not `clone()`: sharp clones its options with structuredClone, which
  // copies the raw input (≈ 0.7 MB for 600 px) once per output (docs/pipeline-cpu.md).
  const sized = () =>
    sharp(large.data, { raw: large.raw }).resize(spec.box, spec.box, {
      fit: 'inside',
      withoutEnlargement: true,
    });
  return Promise.all(
    formats.map(async (format) => {
      // No withMetadata(): outputs carry no EXIF (GPS included), XMP or ICC; the pixels are already sRGB.
      const encoder =
        format.format === 'JPEG'
          ? sized().flatten({ background: '#ffffff' }).jpeg(jpegOptions)
          : sized().webp(webpOptions);
      const { data, info } = await encoder.toBuffer({ resolveWithObject: true });
      return {
        ...format,
        size: spec.size,
        sizeName: spec.name,
        width: info.width,
        height: info.height,
        body: data,
      };
    }),
  );
}
