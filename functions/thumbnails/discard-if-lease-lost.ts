/**
 * A thumbnails call can finish after its execution stopped waiting for it: the execution timed out,
 * or the other Parallel branch failed and cancelled this one, and meanwhile the image was FAILED
 * (MarkFailed, dispatch at the retry limit, the sweeper), deleted, or claimed by another execution.
 * Nothing stops a running Lambda, so the call itself checks, AFTER writing, that its execution
 * still holds the image's lease, and removes exactly the versions it wrote when it does not. The
 * check is normally its THUMBNAILS_READY write, conditional on the lease (milestones.ts,
 * `reachedUnderLease`); a consistent read answers it only when that write failed otherwise. The
 * fail paths purge the thumbnail prefix AFTER marking FAILED: whichever order the two run in, a
 * FAILED image owns no thumbnails.
 */
import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ImageStatus } from '../../generated/schema.ts';
import { LeaseLostError, PurgeFailedError } from '../shared/errors.ts';
import type { WrittenVersion } from './store-thumbnails.ts';

/** The part of the item the check reads. */
export interface LeaseView {
  status: ImageStatus;
  leaseToken?: string;
  thumbnails?: ReadonlyArray<{ key: string }>;
}

export interface LeaseVerdict {
  /** The execution still holds the lease: its result may be saved. */
  held: boolean;
  /** The versions to delete: none while the lease is held. */
  discard: WrittenVersion[];
}

/**
 * Pure. Only versions S3 reported are ever discarded: deleting by VersionId removes this call's
 * write and nobody else's (a rendition's key is its content hash, so another execution may write
 * the very same key). A COMPLETED or FLAGGED image keeps the keys its record lists — identical bytes
 * under the same key — and loses the rest.
 */
export function leaseVerdict(
  item: LeaseView | undefined,
  leaseToken: string,
  written: readonly WrittenVersion[],
): LeaseVerdict {
  const versioned = written.filter((version) => version.versionId !== undefined);
  if (item?.status === 'PROCESSING' && item.leaseToken === leaseToken) return { held: true, discard: [] };
  if (item?.status === 'COMPLETED' || item?.status === 'FLAGGED') {
    const listed = new Set((item.thumbnails ?? []).map((thumbnail) => thumbnail.key));
    return { held: false, discard: versioned.filter((version) => !listed.has(version.key)) };
  }
  // FAILED, deleted, or PROCESSING under another (or a released) lease.
  return { held: false, discard: versioned };
}

async function readLeaseView(
  deps: Pick<LeaseCheckDeps, 'documents' | 'tableName'>,
  image: { owner: string; id: string },
): Promise<LeaseView | undefined> {
  const { Item } = await deps.documents.send(
    new GetCommand({
      TableName: deps.tableName,
      Key: { owner: image.owner, id: image.id },
      // A write that raced this read must be seen: an eventually consistent read could miss FAILED.
      ConsistentRead: true,
      ProjectionExpression: '#status, leaseToken, thumbnails',
      ExpressionAttributeNames: { '#status': 'status' },
    }),
  );
  return Item as LeaseView | undefined;
}

export interface LeaseCheckDeps {
  documents: DynamoDBDocumentClient;
  s3: S3Client;
  tableName: string;
  bucket: string;
}

/**
 * Deletes exactly these versions (a call's own writes, by VersionId: nobody else's), in one
 * request; PurgeFailed when S3 could not delete some, so the step's retry tries again.
 */
export async function deleteWrittenVersions(
  deps: Pick<LeaseCheckDeps, 's3' | 'bucket'>,
  versions: readonly WrittenVersion[],
): Promise<void> {
  if (versions.length === 0) return;
  const result = await deps.s3.send(
    new DeleteObjectsCommand({
      Bucket: deps.bucket,
      Delete: {
        Objects: versions.map(({ key, versionId }) => ({ Key: key, VersionId: versionId })),
        Quiet: true,
      },
    }),
  );
  // DeleteObjects answers 200 even when some keys failed; the failures are only in Errors.
  if (result.Errors && result.Errors.length > 0) {
    const first = result.Errors[0];
    throw new PurgeFailedError(
      `could not delete ${result.Errors.length} version(s) written after the lease was lost: ${first?.Key} ${first?.Code}`,
    );
  }
}

/**
 * Throws LeaseLost (a platform error: the execution, if still alive, fails and its message comes
 * back) after deleting what the lease no longer covers; resolves when the lease is held. `seen`:
 * the item as a conditional write that failed on the lease returned it (undefined when deleted);
 * without it, the item is read.
 */
export async function discardIfLeaseLost(
  deps: LeaseCheckDeps,
  image: { owner: string; id: string; leaseToken: string },
  written: readonly WrittenVersion[],
  seen?: { item: LeaseView | undefined },
): Promise<void> {
  const Item = seen ? seen.item : await readLeaseView(deps, image);
  const verdict = leaseVerdict(Item, image.leaseToken, written);
  if (verdict.held) return;
  await deleteWrittenVersions(deps, verdict.discard);
  throw new LeaseLostError(
    `image ${image.id} is ${Item?.status ?? 'gone'} and no longer leased to this execution; ${verdict.discard.length} thumbnail version(s) it wrote were deleted`,
  );
}
