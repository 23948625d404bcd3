/**
 * Validates an original and reads what the pipeline records about it. The header is checked
 * against the limits before anything is decoded, so a pixel bomb costs a header read; then a
 * small decode proves the data is whole.
 */
import { decodeHeic } from '../shared/decode-heic.ts';
import { CorruptImageError, ImageTooLargeError, UnsupportedImageError } from '../shared/errors.ts';
import { toImageError } from '../shared/image-errors.ts';
import {
  type DecodableFormat,
  decodableFormats,
  decodeOptions,
  imageLimits,
  supportedFormatsText,
} from '../shared/image-limits.ts';
import sharp, { type Metadata } from '../shared/sharp.ts';

export interface ImageFacts {
  /** Width and height as displayed, i.e. after EXIF orientation. */
  width: number;
  height: number;
  format: DecodableFormat;
  /** EXIF orientation, 1 (none) to 8. */
  orientation: number;
}

export async function inspectImage(bytes: Buffer): Promise<ImageFacts> {
  const metadata = await readHeader(bytes);
  const format = decodableFormat(metadata);
  const { width, height } = metadata;
  if (width > imageLimits.maxSide || height > imageLimits.maxSide) {
    throw new ImageTooLargeError(
      `the image is ${width}×${height} px; no side may exceed ${imageLimits.maxSide} px`,
    );
  }
  if (width * height > imageLimits.maxPixels) {
    throw new ImageTooLargeError(
      `the image has ${((width * height) / 1e6).toFixed(1)} megapixels; the limit is ${imageLimits.maxPixels / 1e6}`,
    );
  }
  if (format === 'heic') return inspectHeic(bytes);
  await proveDecodable(bytes);
  const orientation = metadata.orientation ?? 1;
  // Orientations 5–8 turn the image a quarter: the displayed width is the stored height.
  const swapped = orientation >= 5;
  return { width: swapped ? height : width, height: swapped ? width : height, format, orientation };
}

async function readHeader(bytes: Buffer): Promise<Metadata> {
  try {
    // No pixel limit here: our own limits below give the better message, and a header read is cheap.
    return await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    const refused = toImageError(error);
    // A TIFF's directory may sit at its end: cut short, libvips no longer recognises the format,
    // though the signature says TIFF. That file is a damaged TIFF, not an unsupported one.
    if (refused instanceof UnsupportedImageError && hasTiffSignature(bytes)) {
      throw new CorruptImageError(
        'the TIFF could not be decoded: its image directory is missing or cut short',
        {
          cause: error,
        },
      );
    }
    throw refused;
  }
}

/** `II*\0` (little-endian) or `MM\0*` (big-endian): the first four bytes of every TIFF. */
function hasTiffSignature(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4).toString('latin1');
  return head === 'II*\0' || head === 'MM\0*';
}

function decodableFormat(metadata: Metadata): DecodableFormat {
  if (metadata.format === 'heif') {
    if (metadata.compression === 'av1') return 'avif';
    if (metadata.compression === 'hevc') return 'heic';
    throw new UnsupportedImageError(
      `HEIF images coded with ${metadata.compression ?? 'an unknown codec'} cannot be decoded here; supported formats: ${supportedFormatsText}`,
    );
  }
  const format = decodableFormats.find((name) => name === metadata.format);
  if (!format) {
    throw new UnsupportedImageError(
      `${metadata.format} files are not supported; supported formats: ${supportedFormatsText}`,
    );
  }
  return format;
}

/**
 * libheif has no shrink-on-load, so proving a HEIC whole means decoding it; its output is already
 * turned by the container's irot/imir, so its size is the displayed size and orientation is 1.
 */
async function inspectHeic(bytes: Buffer): Promise<ImageFacts> {
  const { raw } = await decodeHeic(bytes);
  return { width: raw.width, height: raw.height, format: 'heic', orientation: 1 };
}

/** Decodes to a tiny size: JPEG shrinks on load, so this is cheap, yet it reads every scan and sees truncation. */
async function proveDecodable(bytes: Buffer): Promise<void> {
  try {
    await sharp(bytes, decodeOptions).resize(16, 16, { fit: 'inside' }).raw().toBuffer();
  } catch (error) {
    throw toImageError(error);
  }
}
