/**
 * The image as Rekognition is given it. Rekognition reads JPEG and PNG originals from S3 itself
 * (≤ 15 MB, sides 80..10,000 px); everything else — WebP, GIF, AVIF, TIFF, HEIC, too big, too small,
 * and EXIF-rotated JPEGs, whose face boxes Rekognition would report in stored (unrotated)
 * coordinates — goes as the bytes of an upright JPEG rendition under Rekognition's 5 MB limit.
 */

import type { Image } from '@aws-sdk/client-rekognition';
import type { S3Client } from '@aws-sdk/client-s3';
import { openImage } from '../shared/decode-heic.ts';
import { toImageError } from '../shared/image-errors.ts';
import { type DecodableFormat, imageLimits } from '../shared/image-limits.ts';
import { readObject } from '../shared/s3-objects.ts';
import sharp from '../shared/sharp.ts';

/** Rekognition's documented image limits. */
export const rekognitionLimits = {
  maxS3Bytes: 15 * 1024 * 1024,
  maxBytes: 5 * 1024 * 1024,
  maxSide: 10_000,
  minSide: 80,
} as const;

/**
 * Long side of the rendition sent as bytes. Detection gains nothing from more pixels than this
 * (Rekognition scales images down itself), while encoding and uploading them costs time.
 */
export const renditionMaxSide = 4096;

/** How much of an original's head holds its EXIF orientation (APP1 is at most 64 KB). */
const headerBytes = 256 * 1024;

export interface AnalyseSource {
  bucket: string;
  key: string;
  /** The original's version that claimed the item: Rekognition and S3 reads are pinned to it. */
  versionId: string;
  /** As displayed (after EXIF orientation). */
  width: number;
  height: number;
  format: DecodableFormat;
  /** The object's size. */
  bytes: number;
  /** EXIF orientation from inspect, when the pipeline passes it; otherwise read from the object's header. */
  orientation?: number;
}

export async function rekognitionImage(s3: S3Client, source: AnalyseSource): Promise<Image> {
  if (readableFromS3(source)) {
    const orientation = source.orientation ?? (await readOrientation(s3, source));
    if (orientation === 1)
      return { S3Object: { Bucket: source.bucket, Name: source.key, Version: source.versionId } };
  }
  const original = await readObject(s3, {
    bucket: source.bucket,
    key: source.key,
    versionId: source.versionId,
    maxBytes: imageLimits.maxBytes,
  });
  return { Bytes: await uprightJpeg(original.bytes, source) };
}

function readableFromS3(source: AnalyseSource): boolean {
  return (
    (source.format === 'jpeg' || source.format === 'png') &&
    source.bytes <= rekognitionLimits.maxS3Bytes &&
    Math.max(source.width, source.height) <= rekognitionLimits.maxSide &&
    Math.min(source.width, source.height) >= rekognitionLimits.minSide
  );
}

/** The EXIF orientation from the object's first bytes; undefined when the header cannot be read from them. */
async function readOrientation(s3: S3Client, source: AnalyseSource): Promise<number | undefined> {
  const head = await readObject(s3, {
    bucket: source.bucket,
    key: source.key,
    versionId: source.versionId,
    range: `bytes=0-${headerBytes - 1}`,
  });
  try {
    const metadata = await sharp(head.bytes, { limitInputPixels: false }).metadata();
    return metadata.orientation ?? 1;
  } catch {
    return undefined;
  }
}

/**
 * An upright sRGB JPEG of at most `renditionMaxSide`, enlarged towards Rekognition's minimum side,
 * shrunk until under 5 MB. A strip too thin to enlarge that far without its long side outgrowing
 * `renditionMaxSide` (12000×8, 1000×1) is padded with white to the minimum instead: stretching it
 * would pass JPEG's 65,535 px limit and fail a valid image.
 */
export async function uprightJpeg(
  original: Buffer,
  source: Pick<AnalyseSource, 'width' | 'height'>,
): Promise<Buffer> {
  const longSide = Math.max(source.width, source.height);
  const shortSide = Math.min(source.width, source.height);
  // Scale of the first attempt: down to the rendition's size, or up to Rekognition's minimum side
  // as far as the long side allows.
  let scale = Math.min(1, renditionMaxSide / longSide);
  if (shortSide * scale < rekognitionLimits.minSide) {
    scale = Math.min(rekognitionLimits.minSide / shortSide, renditionMaxSide / longSide);
  }
  // HEIC is decoded here once (libheif); every other format is decoded by sharp per attempt.
  const image = await openImage(original);
  for (;;) {
    const width = Math.max(1, Math.round(source.width * scale));
    const height = Math.max(1, Math.round(source.height * scale));
    let jpeg: Buffer;
    try {
      jpeg = await image
        .clone()
        .autoOrient()
        .resize(width, height, { fit: 'fill' })
        .extend(paddingToMinimum(width, height))
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .jpeg({ quality: 90 })
        .toBuffer();
    } catch (error) {
      throw toImageError(error);
    }
    if (jpeg.length <= rekognitionLimits.maxBytes) return jpeg;
    // Bytes grow roughly with the pixel count: aim 10% under the limit.
    scale *= Math.sqrt((0.9 * rekognitionLimits.maxBytes) / jpeg.length);
  }
}

/** White borders, split evenly, that bring each side of `width`×`height` up to Rekognition's minimum. */
function paddingToMinimum(width: number, height: number) {
  const extraWidth = Math.max(0, rekognitionLimits.minSide - width);
  const extraHeight = Math.max(0, rekognitionLimits.minSide - height);
  return {
    left: Math.floor(extraWidth / 2),
    right: Math.ceil(extraWidth / 2),
    top: Math.floor(extraHeight / 2),
    bottom: Math.ceil(extraHeight / 2),
    background: '#ffffff',
  };
}
