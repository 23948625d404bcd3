/**
 * Rekognition's JSON protocol for DetectLabels, DetectFaces and DetectModerationLabels: request
 * validation with Rekognition's limits and error names, then the answer from the engine.
 *
 * LIMITATIONS (of the local vision as a whole):
 * - Labels come from 80 COCO object classes (centernet): no scenes, activities or concepts
 *   ("Outdoors", "Food" without a detected food object), and no label Aliases.
 * - Confidences are the detectors' scores mapped onto Rekognition's scale (see objectConfidence);
 *   they rank well but are not Rekognition's numbers. Weak spots seen: a cat called "Dog",
 *   animal faces found as faces when the detector is sure of them.
 * - FaceDetails carry BoundingBox and Confidence only (no landmarks, pose, quality, attributes).
 * - Moderation maps nsfwjs's five classes (see taxonomy.ts): nothing on violence, drugs,
 *   alcohol, gestures, gambling or hate symbols.
 */
import sharp from 'sharp';
import { AwsError } from '../provider.ts';
import type { Detections } from './detections.ts';
import { detectFacesResponse, detectLabelsResponse, detectModerationLabelsResponse } from './responses.ts';

export const rekognitionOperations = ['DetectLabels', 'DetectFaces', 'DetectModerationLabels'] as const;
export type RekognitionOperation = (typeof rekognitionOperations)[number];

/** Rekognition's documented limits. */
export const rekognitionLimits = {
  maxBytes: 5 * 1024 * 1024,
  maxS3Bytes: 15 * 1024 * 1024,
  maxSide: 10_000,
  minSide: 80,
} as const;

export interface RekognitionCollaborators {
  analyse(image: Buffer): Promise<Detections>;
  /** The object's bytes, or undefined when there is no such bucket, key or version. */
  readS3Object(bucket: string, key: string, version?: string): Promise<Buffer | undefined>;
}

interface ImageInput {
  Bytes?: unknown;
  S3Object?: { Bucket?: unknown; Name?: unknown; Version?: unknown };
}

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

function optionalNumber(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    throw invalid(
      `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return value;
}

async function imageBytes(
  image: ImageInput | undefined,
  s3: RekognitionCollaborators['readS3Object'],
): Promise<Buffer> {
  if (!image || typeof image !== 'object')
    throw invalid(
      "1 validation error detected: Value null at 'image' failed to satisfy constraint: Member must not be null",
    );
  const hasBytes = image.Bytes !== undefined;
  const hasS3 = image.S3Object !== undefined;
  if (hasBytes === hasS3) throw invalid('Exactly one of Image.Bytes and Image.S3Object must be given');
  if (hasBytes) {
    if (typeof image.Bytes !== 'string') throw invalid('Image.Bytes must be base64-encoded binary');
    const bytes = Buffer.from(image.Bytes, 'base64');
    if (bytes.length === 0) throw invalid('Image.Bytes is empty');
    if (bytes.length > rekognitionLimits.maxBytes) {
      throw new AwsError(
        'ImageTooLargeException',
        `Image size is too large: ${bytes.length} bytes is over the ${rekognitionLimits.maxBytes} bytes limit for Image.Bytes`,
      );
    }
    return bytes;
  }
  const { Bucket, Name, Version } = image.S3Object ?? {};
  if (typeof Bucket !== 'string' || typeof Name !== 'string')
    throw invalid('Image.S3Object needs Bucket and Name');
  const bytes = await s3(Bucket, Name, typeof Version === 'string' ? Version : undefined);
  if (!bytes)
    throw new AwsError(
      'InvalidS3ObjectException',
      'Unable to get object metadata from S3. Check object key, region and/or access permissions.',
    );
  if (bytes.length > rekognitionLimits.maxS3Bytes) {
    throw new AwsError(
      'ImageTooLargeException',
      `Image size is too large: ${bytes.length} bytes is over the ${rekognitionLimits.maxS3Bytes} bytes limit for S3 objects`,
    );
  }
  return bytes;
}

/** Rekognition reads JPEG and PNG only; it checks the bytes, not a file name or content type. */
async function checkImage(bytes: Buffer): Promise<void> {
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const isPng = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (!isJpeg && !isPng)
    throw new AwsError('InvalidImageFormatException', 'Request has invalid image format');
  const { width, height } = await sharp(bytes)
    .metadata()
    .catch(() => {
      throw new AwsError('InvalidImageFormatException', 'Request has invalid image format');
    });
  if (!width || !height)
    throw new AwsError('InvalidImageFormatException', 'Request has invalid image format');
  if (Math.max(width, height) > rekognitionLimits.maxSide) {
    throw new AwsError(
      'ImageTooLargeException',
      `Image dimensions ${width}x${height} exceed the ${rekognitionLimits.maxSide} pixel limit`,
    );
  }
  if (Math.min(width, height) < rekognitionLimits.minSide) {
    throw new AwsError(
      'InvalidImageFormatException',
      `Image dimensions ${width}x${height} are under the ${rekognitionLimits.minSide} pixel minimum`,
    );
  }
}

/** Answers one Rekognition request (`operation` from X-Amz-Target, `body` its JSON). */
export async function handleRekognition(
  operation: string,
  body: Record<string, unknown>,
  collaborators: RekognitionCollaborators,
): Promise<object> {
  if (!(rekognitionOperations as readonly string[]).includes(operation)) {
    throw new AwsError('UnknownOperationException', `The local Rekognition does not implement ${operation}`);
  }
  const maxLabels = optionalNumber(body, 'MaxLabels', 0, 1000);
  const minConfidence = optionalNumber(body, 'MinConfidence', 0, 100);
  const bytes = await imageBytes(body.Image as ImageInput | undefined, collaborators.readS3Object);
  await checkImage(bytes);
  const found = await collaborators.analyse(bytes);
  switch (operation as RekognitionOperation) {
    case 'DetectLabels':
      return detectLabelsResponse(found, { maxLabels, minConfidence });
    case 'DetectFaces':
      return detectFacesResponse(found);
    case 'DetectModerationLabels':
      return detectModerationLabelsResponse(found, { minConfidence });
  }
}
