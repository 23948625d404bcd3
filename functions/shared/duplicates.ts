/**
 * Duplicate detection (docs/contracts.md, "Duplicates"): an identical re-upload by the same owner
 * reuses the renditions and analysis of the image it duplicates, and the moderator's APPROVE of
 * those bytes. inspect finds that image through GSI byOwnerContent; thumbnails and analyse read what
 * it stored. Every read is under the caller's own partition key, so nothing of another owner is ever
 * found or read.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ownerContentKey, reusableStatuses } from '../../contracts/image-item.ts';
import { names } from '../../contracts/names.ts';
import {
  analysisSchema,
  placeholderSchema,
  reviewSchema,
  type StoredReview,
  thumbnailSchema,
} from './image-item.ts';

export interface DuplicateLookupDeps {
  documents: DynamoDBDocumentClient;
  tableName: string;
}

/** How many index entries inspect confirms at most: more identical copies add nothing. */
export const duplicateCandidatesLimit = 5;

/** What a duplicate reuses: only an image settled with renditions, a placeholder and an analysis. */
const reusableImageSchema = z.object({
  owner: z.string(),
  id: z.string(),
  status: z.enum(reusableStatuses as ['COMPLETED', 'FLAGGED']),
  sha256: z.string().optional(),
  thumbnails: z.array(thumbnailSchema).min(1),
  placeholder: placeholderSchema,
  analysis: analysisSchema,
  review: reviewSchema.nullish(),
});
export type ReusableImage = z.output<typeof reusableImageSchema>;

/** A moderator's APPROVE as a duplicate inherits it: the review as given, and whose it was. */
export const inheritedReviewSchema = reviewSchema.extend({
  decision: z.literal('APPROVE'),
  inheritedFrom: z.string().min(1),
});
export type InheritedReview = z.output<typeof inheritedReviewSchema>;

/**
 * The verdict a duplicate of `source` inherits, or null. Only a COMPLETED image a moderator
 * APPROVEd passes one on: its renditions are the unblurred ones and a moderator judged exactly these
 * bytes safe. A FLAGGED image awaits its review (its duplicate awaits one too), and an image
 * COMPLETED as safe needs none. `inheritedFrom` names the image the moderator decided on, so a
 * duplicate of a duplicate still points at it.
 */
export function inheritedReview(source: ReusableImage): InheritedReview | null {
  const review: StoredReview | null | undefined = source.review;
  if (source.status !== 'COMPLETED' || review?.decision !== 'APPROVE') return null;
  return {
    decision: review.decision,
    reviewer: review.reviewer,
    ...(review.note ? { note: review.note } : {}),
    reviewedAt: review.reviewedAt,
    inheritedFrom: review.inheritedFrom ?? source.id,
  };
}

/**
 * The id of the owner's earliest COMPLETED image whose original has this SHA-256, else of the
 * earliest FLAGGED one, else null. COMPLETED wins because such a copy is safe or was approved by a
 * moderator: an earlier copy still awaiting review must not hide that verdict. The index is
 * eventually consistent and keys only, so each candidate is confirmed by a consistent read: one
 * deleted meanwhile, or no longer COMPLETED/FLAGGED, is passed over.
 */
export async function findDuplicate(
  deps: DuplicateLookupDeps,
  image: { owner: string; id: string; sha256: string },
): Promise<string | null> {
  const page = await deps.documents.send(
    new QueryCommand({
      TableName: deps.tableName,
      IndexName: names.indexes.byOwnerContent,
      KeyConditionExpression: 'ownerContent = :ownerContent',
      ExpressionAttributeValues: { ':ownerContent': ownerContentKey(image.owner, image.sha256) },
      Limit: duplicateCandidatesLimit,
    }),
  );
  let flagged: string | null = null;
  for (const candidate of page.Items ?? []) {
    const id = candidate.id;
    // The image itself never counts (a redrive of an item settled before would find itself).
    if (typeof id !== 'string' || id === image.id) continue;
    const stored = await readReusableImage(deps, { owner: image.owner, id });
    if (!stored || stored.sha256 !== image.sha256) continue;
    if (stored.status === 'COMPLETED') return stored.id;
    flagged ??= stored.id;
  }
  return flagged;
}

/**
 * The owner's image `id` as a duplicate reuses it, or null when it is gone or not reusable (not
 * COMPLETED/FLAGGED, or stored before renditions, placeholders and analyses all existed).
 */
export async function readReusableImage(
  deps: DuplicateLookupDeps,
  key: { owner: string; id: string },
): Promise<ReusableImage | null> {
  const { Item } = await deps.documents.send(
    new GetCommand({ TableName: deps.tableName, Key: key, ConsistentRead: true }),
  );
  if (!Item || Item.owner !== key.owner) return null;
  const parsed = reusableImageSchema.safeParse(Item);
  return parsed.success ? parsed.data : null;
}
