/**
 * What Rekognition refuses before it looks at an image, checked by the local stand-in too: the
 * engine (and `DARKROOM_VISION=off`, which answers empty results) would otherwise accept a 6 MB
 * inline image, bytes that are no image at all, or a MinConfidence of 101, all of which fail in
 * the cloud. The pipeline sends only what passes (functions/analyse/rekognition-image.ts); these
 * checks make a regression there fail locally as it would on AWS.
 */
import { AwsError } from '../../provider.ts';

/** Rekognition's documented limits: 5 MB as `Image.Bytes`, 15 MB as an S3 object. */
export const rekognitionImageLimits = { maxInlineBytes: 5 * 1024 * 1024, maxS3Bytes: 15 * 1024 * 1024 };

const jpegMagic = Buffer.from([0xff, 0xd8, 0xff]);
const pngMagic = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Refuses an image Rekognition would: too large for how it was given, or neither JPEG nor PNG. */
export function checkImage(bytes: Buffer, givenAs: 'bytes' | 's3'): void {
  const limit =
    givenAs === 'bytes' ? rekognitionImageLimits.maxInlineBytes : rekognitionImageLimits.maxS3Bytes;
  if (bytes.length > limit) throw new AwsError('ImageTooLargeException', 'Image size is too large.');
  const jpeg = bytes.subarray(0, jpegMagic.length).equals(jpegMagic);
  const png = bytes.subarray(0, pngMagic.length).equals(pngMagic);
  if (!jpeg && !png) throw new AwsError('InvalidImageFormatException', 'Request has invalid image format');
}

/** Refuses MaxLabels below 0 and MinConfidence outside 0–100, naming the parameter. */
export function checkDetectOptions(request: { MaxLabels?: unknown; MinConfidence?: unknown }): void {
  const { MaxLabels, MinConfidence } = request;
  if (
    MaxLabels !== undefined &&
    (typeof MaxLabels !== 'number' || !Number.isInteger(MaxLabels) || MaxLabels < 0)
  ) {
    throw new AwsError(
      'InvalidParameterException',
      `MaxLabels must be an integer of at least 0, not ${String(MaxLabels)}`,
    );
  }
  if (
    MinConfidence !== undefined &&
    (typeof MinConfidence !== 'number' || MinConfidence < 0 || MinConfidence > 100)
  ) {
    throw new AwsError(
      'InvalidParameterException',
      `MinConfidence must be between 0 and 100, not ${String(MinConfidence)}`,
    );
  }
}
