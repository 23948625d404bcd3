/**
 * The approval run's work (issue 20): a moderator approved a FLAGGED image, so unblurred
 * renditions are made again from its quarantined original, the original moves back under
 * uploads/ (a CopyObject, which the upload rule ignores: no upload run starts), and the item is
 * saved COMPLETED — only while this execution holds its lease. Then nothing blurred or quarantined
 * is left. Idempotent: a retry after the save finds the item COMPLETED under its own lease and
 * only finishes the clean-up.
 */
import { CopyObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unannouncedStatusKey } from '../../contracts/announcement.ts';
import { attributesDroppedIn, imageAttributes, statusAttributes } from '../../contracts/image-item.ts';
import { progressAttributes, sequenceAddClause, sequenceStep } from '../../contracts/image-stage.ts';
import { keys } from '../../contracts/names.ts';
import { isConditionalCheckFailed, type StoredThumbnail } from '../shared/image-item.ts';
import { imageLimits } from '../shared/image-limits.ts';
import { purgeImageObjects, purgePrefixExcept, purgePrefixes } from '../shared/purge-objects.ts';
import { readObject } from '../shared/s3-objects.ts';
import { renderImage } from '../thumbnails/renditions.ts';
import { storeThumbnails } from '../thumbnails/store-thumbnails.ts';

export interface ApproveRequest {
  bucket: string;
  owner: string;
  id: string;
  /** The execution's fencing token (ClaimApproval wrote it). */
  leaseToken: string;
}

export interface ApproveDeps {
  s3: S3Client;
  documents: DynamoDBDocumentClient;
  tableName: string;
  now: () => Date;
  log: (message: string, fields: Record<string, unknown>) => void;
}

export type ApproveResult = { saved: boolean; thumbnails: number; deletedVersions: number };

type Item = Record<string, unknown>;

export async function approveImage(deps: ApproveDeps, request: ApproveRequest): Promise<ApproveResult> {
  const key = { owner: request.owner, id: request.id };
  const current = await readItem(deps, key);
  if (!current) return goneMeanwhile(deps, request);
  if (current[imageAttributes.leaseToken] !== request.leaseToken) {
    deps.log('approval not saved: another execution holds the image', { ...key, status: current.status });
    return { saved: false, thumbnails: 0, deletedVersions: 0 };
  }
  if (current.status === 'COMPLETED') {
    // A retry after the save: only the clean-up is left.
    const kept = (current.thumbnails as StoredThumbnail[] | undefined) ?? [];
    return { saved: true, thumbnails: kept.length, deletedVersions: await cleanUp(deps, request, kept) };
  }
  if (current.status !== 'PROCESSING') return { saved: false, thumbnails: 0, deletedVersions: 0 };

  const original = await readObject(deps.s3, {
    bucket: request.bucket,
    key: keys.quarantinedOriginal(request.owner, request.id),
    maxBytes: imageLimits.maxBytes,
  });
  const { renditions, placeholder } = await renderImage(original.bytes);
  const thumbnails = await storeThumbnails(deps.s3, request, renditions);
  const copy = await deps.s3.send(
    new CopyObjectCommand({
      Bucket: request.bucket,
      Key: keys.original(request.owner, request.id),
      CopySource: `${request.bucket}/${keys.quarantinedOriginal(request.owner, request.id)}`,
    }),
  );
  const now = deps.now();
  const at = now.toISOString();
  const attributes: Item = {
    ...statusAttributes(request.owner, 'COMPLETED', Math.floor(now.getTime() / 1000)),
    thumbnails,
    placeholder,
    updatedAt: at,
    processedAt: at,
    // Terminal, unannounced until the Publish state records it (or the sweeper does).
    statusKey: unannouncedStatusKey,
    // Pinned reads and a later reused ticket compare against the copy's version.
    ...(copy.VersionId ? { originalVersionId: copy.VersionId } : {}),
  };
  const dropped = attributesDroppedIn('COMPLETED').filter((name) => name !== 'statusKey');
  const names = Object.keys(attributes);
  try {
    await deps.documents.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: key,
        ConditionExpression: '#status = :processing AND #leaseToken = :leaseToken',
        UpdateExpression:
          `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}` +
          (dropped.length > 0 ? ` REMOVE ${dropped.map((name) => `#${name}`).join(', ')}` : '') +
          // COMPLETED is the image's next event: the decision's PROCESSING already has a number of its own.
          ` ${sequenceAddClause}`,
        ExpressionAttributeNames: Object.fromEntries(
          [...names, ...dropped, 'leaseToken', progressAttributes.sequence].map((name) => [`#${name}`, name]),
        ),
        ExpressionAttributeValues: {
          ':processing': 'PROCESSING',
          ':leaseToken': request.leaseToken,
          ':sequenceStep': sequenceStep,
          ...Object.fromEntries(names.map((name) => [`:${name}`, attributes[name]])),
        },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    if (!(await readItem(deps, key))) return goneMeanwhile(deps, request);
    deps.log('approval not saved: the image is no longer PROCESSING under this lease', key);
    return { saved: false, thumbnails: 0, deletedVersions: 0 };
  }
  return {
    saved: true,
    thumbnails: thumbnails.length,
    deletedVersions: await cleanUp(deps, request, thumbnails),
  };
}

async function readItem(deps: ApproveDeps, key: { owner: string; id: string }): Promise<Item | undefined> {
  const out = await deps.documents.send(
    new GetCommand({ TableName: deps.tableName, Key: key, ConsistentRead: true }),
  );
  return out.Item;
}

/** Deleted while being approved: the delete wins, and nothing this run wrote may outlive it. */
async function goneMeanwhile(deps: ApproveDeps, request: ApproveRequest): Promise<ApproveResult> {
  const deletedVersions = await purgeImageObjects(deps.s3, request.bucket, request);
  deps.log('approval not saved: image was deleted meanwhile; cleaned up', {
    owner: request.owner,
    id: request.id,
  });
  return { saved: false, thumbnails: 0, deletedVersions };
}

/** Only the saved renditions and the moved original are left: no blurred rendition, no quarantine. */
async function cleanUp(
  deps: ApproveDeps,
  request: ApproveRequest,
  kept: readonly StoredThumbnail[],
): Promise<number> {
  const renditions = await purgePrefixExcept(
    deps.s3,
    request.bucket,
    keys.thumbnailPrefix(request.owner, request.id),
    new Set(kept.map((thumbnail) => thumbnail.key)),
  );
  const quarantined = await purgePrefixes(deps.s3, request.bucket, [
    keys.quarantinePrefixOf(request.owner, request.id),
  ]);
  // Retries may have copied the original more than once: only the current version stays.
  const uploads = await purgePrefixExcept(
    deps.s3,
    request.bucket,
    keys.uploadPrefixOf(request.owner, request.id),
    new Set([keys.original(request.owner, request.id)]),
  );
  return renditions + quarantined + uploads;
}
