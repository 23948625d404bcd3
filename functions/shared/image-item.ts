/**
 * The Images table's item as the functions read it (its model: contracts/image-item.ts) and its
 * mapping to the schema's Image, as the resolvers return it: internal attributes (ownerStatus,
 * statusKey, TTL, etag, …) stay in the table.
 */
import { z } from 'zod';
import { imageStatuses } from '../../contracts/image-item.ts';
import { imageStages } from '../../contracts/image-stage.ts';
import type { Analysis, Image, ImageError, ImageStatus, Thumbnail } from '../../generated/schema.ts';

export const thumbnailSchema = z.object({
  size: z.enum(['SMALL', 'MEDIUM', 'LARGE']),
  format: z.enum(['JPEG', 'WEBP']),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  contentType: z.string().min(1),
  key: z.string().min(1),
});

export const analysisSchema = z.object({
  labels: z.array(z.object({ name: z.string(), confidence: z.number(), parents: z.array(z.string()) })),
  faceCount: z.number().int().nonnegative(),
  faces: z.array(
    z.object({
      boundingBox: z.object({ left: z.number(), top: z.number(), width: z.number(), height: z.number() }),
      confidence: z.number(),
    }),
  ),
  moderationLabels: z.array(
    z.object({ name: z.string(), parentName: z.string().nullish(), confidence: z.number() }),
  ),
  isSafe: z.boolean(),
});

export const imageErrorSchema = z.object({ code: z.string(), message: z.string() });

export const placeholderSchema = z.object({ hash: z.string().min(1), dominantColor: z.string().min(1) });

/** PhotoMetadata as stored: every EXIF field optional; `gps` only when the upload kept location. */
export const photoMetadataSchema = z.object({
  takenAt: z.string().nullish(),
  cameraMake: z.string().nullish(),
  cameraModel: z.string().nullish(),
  lensModel: z.string().nullish(),
  exposureTime: z.number().nullish(),
  fNumber: z.number().nullish(),
  iso: z.number().int().nullish(),
  focalLength: z.number().nullish(),
  gps: z.object({ latitude: z.number(), longitude: z.number() }).nullish(),
});
export type StoredPhotoMetadata = z.output<typeof photoMetadataSchema>;

/**
 * A moderator's decision as stored (issue 20); `note` only when one was given; `inheritedFrom` only
 * on a duplicate that inherited an APPROVE (the image the moderator decided on).
 */
export const reviewSchema = z.object({
  decision: z.enum(['APPROVE', 'REJECT']),
  reviewer: z.string().min(1),
  note: z.string().nullish(),
  reviewedAt: z.string(),
  inheritedFrom: z.string().min(1).nullish(),
});
export type StoredReview = z.output<typeof reviewSchema>;

/** The stored item; unknown attributes are ignored so the table can grow without breaking readers. */
export const imageItemSchema = z.object({
  owner: z.string().min(1),
  id: z.string().min(1),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  status: z.enum(imageStatuses),
  createdAt: z.string(),
  updatedAt: z.string(),
  processedAt: z.string().nullish(),
  width: z.number().int().nullish(),
  height: z.number().int().nullish(),
  format: z.string().nullish(),
  thumbnails: z.array(thumbnailSchema).nullish(),
  analysis: analysisSchema.nullish(),
  error: imageErrorSchema.nullish(),
  placeholder: placeholderSchema.nullish(),
  metadata: photoMetadataSchema.nullish(),
  duplicateOf: z.string().nullish(),
  stage: z.enum(imageStages).nullish(),
  sequence: z.number().int().nullish(),
  review: reviewSchema.nullish(),
});

export type ImageItem = z.output<typeof imageItemSchema>;
export type StoredThumbnail = z.output<typeof thumbnailSchema>;

/** An Image as a Lambda resolver returns it: thumbnail URLs are left to the Image.thumbnails resolver. */
export type ImageRecord = Omit<
  Image,
  '__typename' | 'thumbnails' | 'analysis' | 'error' | 'placeholder' | 'metadata' | 'review' | 'originalUrl'
> & {
  review:
    | (Omit<StoredReview, 'note' | 'inheritedFrom'> & { note: string | null; inheritedFrom: string | null })
    | null;
  thumbnails: Array<Omit<Thumbnail, '__typename' | 'url'>>;
  analysis: Omit<Analysis, '__typename'> | null;
  error: Omit<ImageError, '__typename'> | null;
  placeholder: z.output<typeof placeholderSchema> | null;
  metadata: StoredPhotoMetadata | null;
};

/** Maps a stored item to the Image shape; throws if the item is not one of ours. */
export function toImage(item: Record<string, unknown>): ImageRecord {
  const parsed = imageItemSchema.parse(item);
  return {
    id: parsed.id,
    owner: parsed.owner,
    fileName: parsed.fileName,
    contentType: parsed.contentType,
    size: parsed.size,
    width: parsed.width ?? null,
    height: parsed.height ?? null,
    format: parsed.format ?? null,
    status: parsed.status satisfies ImageStatus,
    thumbnails: parsed.thumbnails ?? [],
    analysis: parsed.analysis
      ? {
          ...parsed.analysis,
          moderationLabels: parsed.analysis.moderationLabels.map((label) => ({
            ...label,
            parentName: label.parentName ?? null,
          })),
        }
      : null,
    error: parsed.error ?? null,
    createdAt: parsed.createdAt,
    updatedAt: parsed.updatedAt,
    processedAt: parsed.processedAt ?? null,
    placeholder: parsed.placeholder ?? null,
    metadata: parsed.metadata ?? null,
    duplicateOf: parsed.duplicateOf ?? null,
    stage: parsed.stage ?? null,
    sequence: parsed.sequence ?? null,
    review: parsed.review
      ? {
          ...parsed.review,
          note: parsed.review.note ?? null,
          inheritedFrom: parsed.review.inheritedFrom ?? null,
        }
      : null,
  };
}

/** DynamoDB's answer to a failed ConditionExpression (by name: SDK copies and mocks may differ in class). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
