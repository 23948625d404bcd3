/**
 * HEIC/HEIF (HEVC-coded) input. The prebuilt sharp has no HEVC decoder, so these files are decoded
 * with libheif compiled to WebAssembly (heic-decode) into raw RGBA, which sharp then takes like any
 * other image. libheif applies the container's rotation and mirroring (irot/imir) itself, and raw
 * pixels carry no EXIF, so a later `autoOrient()` cannot turn the image a second time.
 * Callers check the header's dimensions against the limits before they call this.
 */
import { heicBrand } from '../inspect/heic-brand.ts';
import { CorruptImageError, ImageTooLargeError } from './errors.ts';
import { decodeOptions, imageLimits } from './image-limits.ts';
import sharp, { type Sharp } from './sharp.ts';

export interface RawPixels {
  data: Buffer;
  raw: { width: number; height: number; channels: 4 };
}

/**
 * libheif loads on the first HEIC, not with the module: instantiating its WebAssembly took ≈ 0.3 s
 * of CPU and its memory stayed resident in every worker that decodes images, HEIC or not
 * (docs/pipeline-cpu.md).
 */
let decoder: Promise<typeof import('heic-decode').default> | undefined;
const heicDecoder = () => {
  decoder ??= import('heic-decode').then((module) => module.default);
  return decoder;
};

export function isHeic(bytes: Buffer): boolean {
  return heicBrand(bytes) !== undefined;
}

/** The displayed (oriented) pixels of a HEIC file; CorruptImage when libheif cannot decode it. */
export async function decodeHeic(bytes: Buffer): Promise<RawPixels> {
  await refusePixelBomb(bytes);
  // Outside the try: a decoder that cannot load is the platform's trouble, not a corrupt image.
  const decode = await heicDecoder();
  try {
    const { width, height, data } = await decode({ buffer: bytes });
    return {
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      raw: { width, height, channels: 4 },
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CorruptImageError(`the HEIC image could not be decoded: ${reason}`, { cause: error });
  }
}

/**
 * A sharp pipeline over the original's pixels, whatever its format: HEIC through libheif, every
 * other format straight into sharp with the pipeline's decode options.
 */
export async function openImage(bytes: Buffer): Promise<Sharp> {
  if (!isHeic(bytes)) return sharp(bytes, decodeOptions);
  const pixels = await decodeHeic(bytes);
  return sharp(pixels.data, { raw: pixels.raw, limitInputPixels: decodeOptions.limitInputPixels });
}

/**
 * The second guard behind inspect, as `limitInputPixels` is for sharp's own decoders: libheif
 * allocates the whole image, so the header's dimensions are checked first (a header read is cheap).
 */
async function refusePixelBomb(bytes: Buffer): Promise<void> {
  let pixels: number;
  try {
    const { width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
    pixels = width * height;
  } catch (error) {
    throw new CorruptImageError("the HEIC image's header could not be read", { cause: error });
  }
  if (pixels > imageLimits.maxPixels) {
    throw new ImageTooLargeError(
      `the image has ${(pixels / 1e6).toFixed(1)} megapixels; the limit is ${imageLimits.maxPixels / 1e6}`,
    );
  }
}
