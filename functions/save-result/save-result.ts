/**
 * The pipeline's final write: the result goes onto the item only while it is still PROCESSING.
 * If the image was deleted meanwhile, the delete wins and what the pipeline wrote is removed.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { unannouncedStatusKey } from '../../contracts/announcement.ts';
import {
  attributesDroppedIn,
  imageAttributes,
  ownerContentKey,
  statusAttributes,
} from '../../contracts/image-item.ts';
import { progressAttributes, sequenceAddClause, sequenceStep } from '../../contracts/image-stage.ts';
import { quotaExceededMessage, quotas, usageAttributes } from '../../contracts/usage.ts';
import type { InheritedReview } from '../shared/duplicates.ts';
import { failImage } from '../shared/fail-image.ts';
import {
  type analysisSchema,
  isConditionalCheckFailed,
  type placeholderSchema,
  type StoredPhotoMetadata,
  type StoredThumbnail,
} from '../shared/image-item.ts';
import { labelIndexPuts } from '../shared/label-index-items.ts';
import { purgeImageObjects } from '../shared/purge-objects.ts';
import {
  countStoredBytesWithin,
  isFirstItemConditionFailure,
  isItemConditionFailure,
} from '../shared/stored-bytes.ts';
import { retryTransactionConflicts } from '../shared/transaction-conflict.ts';

export interface InspectedImage {
  width: number;
  height: number;
  format: string;
  orientation: number;
  etag: string;
  bytes: number;
  metadata?: StoredPhotoMetadata | null;
  sha256?: string;
  /** inspect's finding: the owner's earlier image with the same bytes. */
  duplicateOf?: string | null;
}

export interface SaveResultInput {
  owner: string;
  id: string;
  status: 'COMPLETED' | 'FLAGGED';
  image: InspectedImage;
  thumbnails: StoredThumbnail[];
  placeholder: z.output<typeof placeholderSchema>;
  analysis: z.output<typeof analysisSchema>;
  /** analyse's finding for a duplicate of bytes a moderator APPROVEd: stored as `review` with COMPLETED only. */
  inheritedReview?: InheritedReview | null;
  /** The execution's fencing token: only the lease holder saves. */
  leaseToken: string;
}

export interface SaveResultDeps {
  s3: S3Client;
  documents: DynamoDBDocumentClient;
  tableName: string;
  bucket: string;
  now: () => Date;
  logger: Pick<Logger, 'info' | 'warn'>;
}

export async function saveResult(deps: SaveResultDeps, input: SaveResultInput): Promise<{ saved: boolean }> {
  const now = deps.now();
  const at = now.toISOString();
  const key = { owner: input.owner, id: input.id };
  const { metadata, duplicateOf, ...image } = input.image;
  // The location is written only by the second, conditional update below.
  const { gps, ...withoutLocation } = metadata ?? {};
  const attributes: Record<string, unknown> = {
    ...statusAttributes(input.owner, input.status, Math.floor(now.getTime() / 1000)),
    ...image,
    ...(metadata ? { metadata: withoutLocation } : {}),
    ...(duplicateOf ? { [imageAttributes.duplicateOf]: duplicateOf } : {}),
    // Settled with renditions and analysis: from now on an identical re-upload finds this image.
    ...(image.sha256 ? { [imageAttributes.ownerContent]: ownerContentKey(input.owner, image.sha256) } : {}),
    // Image.size is what is stored, not what requestUpload declared (the POST policy only caps it).
    size: image.bytes,
    thumbnails: input.thumbnails,
    placeholder: input.placeholder,
    analysis: input.analysis,
    // The duplicate records whose verdict made it COMPLETED. Never on FLAGGED: a FLAGGED image
    // awaits its own review, and reviewImage decides only an image with no review yet.
    ...(input.status === 'COMPLETED' && input.inheritedReview ? { review: input.inheritedReview } : {}),
    updatedAt: at,
    processedAt: at,
    // Terminal but not yet announced: the sweeper finds it by this key until the publish step
    // records the announcement (and FLAGGED then returns to moderation's view).
    statusKey: unannouncedStatusKey,
  };
  // statusKey is set (UNANNOUNCED), so it is never among the attributes dropped.
  const dropped = attributesDroppedIn(input.status).filter((name) => name !== 'statusKey');
  // The label index (contracts/label-index.ts) is written with it, so search finds what is saved.
  // The original's real size counts against bytesLimit in the same transaction as the result: the
  // PROCESSING condition makes a retried or duplicate run count nothing twice.
  attributes[usageAttributes.usageBytes] = input.image.bytes;
  const names = Object.keys(attributes);
  try {
    const save = new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: deps.tableName,
            Key: key,
            ConditionExpression: '#status = :processing AND #leaseToken = :leaseToken',
            // Every attribute through a placeholder: status, format and size are DynamoDB reserved words.
            // The terminal event takes the next sequence number too (contracts/image-stage.ts).
            UpdateExpression:
              `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}` +
              (dropped.length > 0 ? ` REMOVE ${dropped.map((name) => `#${name}`).join(', ')}` : '') +
              ` ${sequenceAddClause}`,
            ExpressionAttributeNames: Object.fromEntries(
              [...names, ...dropped, 'leaseToken', progressAttributes.sequence].map((name) => [
                `#${name}`,
                name,
              ]),
            ),
            ExpressionAttributeValues: {
              ':processing': 'PROCESSING',
              ':leaseToken': input.leaseToken,
              ':sequenceStep': sequenceStep,
              ...Object.fromEntries(names.map((name) => [`:${name}`, attributes[name]])),
            },
          },
        },
        countStoredBytesWithin(deps.tableName, input.owner, input.image.bytes, quotas.bytesLimit),
        ...labelIndexPuts(deps.tableName, key, input.analysis.labels),
      ],
    });
    // The owner's usage total is shared by all their saves and deletes: a concurrent one is retried here.
    await retryTransactionConflicts(() => deps.documents.send(save));
    if (metadata && gps) await keepLocationIfAsked(deps, key, gps);
    return { saved: true };
  } catch (error) {
    if (isItemConditionFailure(error, usageItemIndex) && !isFirstItemConditionFailure(error)) {
      if (await failOverQuota(deps, input)) return { saved: true };
    } else if (!isFirstItemConditionFailure(error)) {
      throw error;
    }
  }

  const current = await deps.documents.send(
    new GetCommand({ TableName: deps.tableName, Key: key, ConsistentRead: true }),
  );
  if (current.Item) {
    // Still there but no longer PROCESSING or no longer ours (the sweeper failed it, or another run
    // took the lease over or finished it): its objects may be what the stored item points at, so they stay.
    deps.logger.warn('result not saved: the image is no longer PROCESSING under this lease', {
      ...key,
      status: current.Item.status,
    });
    return { saved: false };
  }
  const deleted = await purgeImageObjects(deps.s3, deps.bucket, key);
  deps.logger.info('result not saved: image was deleted during processing; cleaned up', {
    ...key,
    deletedObjectVersions: deleted,
  });
  return { saved: false };
}

/** The usage total's place in the save's transaction (after the image's Update). */
const usageItemIndex = 1;

/**
 * The original does not fit under bytesLimit (tickets taken together each fitted what was stored
 * then): the image ends FAILED with QuotaExceeded, under this execution's lease, and what was stored
 * for it is deleted, so nothing over the limit is kept. Returns false when the image was no longer
 * ours to fail (deleted, or settled by another run): the caller then handles it as a lost save.
 */
async function failOverQuota(deps: SaveResultDeps, input: SaveResultInput): Promise<boolean> {
  const key = { owner: input.owner, id: input.id };
  const marked = await failImage(deps.documents, {
    tableName: deps.tableName,
    ...key,
    error: { code: 'QuotaExceeded', message: quotaExceededMessage('bytesLimit') },
    now: deps.now(),
    fromStatuses: ['PROCESSING'],
    leaseToken: input.leaseToken,
  });
  if (!marked) return false;
  const deleted = await purgeImageObjects(deps.s3, deps.bucket, key);
  deps.logger.warn('result not saved: the original does not fit under bytesLimit; image FAILED', {
    ...key,
    bytes: input.image.bytes,
    deletedObjectVersions: deleted,
  });
  return true;
}

/**
 * The photo's GPS location goes onto the item only when its upload asked for it
 * (RequestUploadInput.keepLocation, stored by requestUpload): DynamoDB checks that in the
 * condition, so no read is needed and an item without the flag never holds a location.
 */
async function keepLocationIfAsked(
  deps: SaveResultDeps,
  key: { owner: string; id: string },
  gps: NonNullable<StoredPhotoMetadata['gps']>,
): Promise<void> {
  try {
    await deps.documents.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: key,
        ConditionExpression: 'keepLocation = :true AND attribute_exists(metadata)',
        UpdateExpression: 'SET metadata.gps = :gps',
        ExpressionAttributeValues: { ':true': true, ':gps': gps },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}
