/**
 * The Images item model, defined once: the attribute names the table's keys and indexes use, the
 * key builders, and which attributes each status carries (docs/contracts.md, "DynamoDB item").
 * Resolvers bundle this module, so it stays APPSYNC_JS-safe: plain functions, no classes, no
 * try/catch, no `++`, no regex, no imports beyond contracts/ and generated types.
 */
import type { ImageStatus } from '../generated/schema.ts';
import { limits } from './names.ts';

/** The attributes the table's keys, indexes and TTL are built on. */
export const imageAttributes = {
  owner: 'owner',
  id: 'id',
  status: 'status',
  /** `${owner}#${status}`: partition key of GSI byOwnerStatus. */
  ownerStatus: 'ownerStatus',
  /** Equals `status`, but only on the statuses of `statusesWithStatusKey`: sparse GSI byStatus. */
  statusKey: 'statusKey',
  updatedAt: 'updatedAt',
  /** Epoch seconds; the table's TTL attribute, set only while PENDING_UPLOAD. */
  expiresAtEpoch: 'expiresAtEpoch',
  /** The claiming execution's id: the fencing token of every later write (contracts/flow.ts). */
  leaseToken: 'leaseToken',
  /** When the lease was taken (ISO); expired after `flow.leaseSeconds`. */
  leasedAt: 'leasedAt',
  /** The message's receive count at the claim. */
  leaseAttempt: 'leaseAttempt',
  /**
   * `${owner}#${sha256}` of the original, set only with a COMPLETED or FLAGGED result: partition key
   * of the sparse GSI byOwnerContent, where an identical re-upload finds the image it duplicates.
   */
  ownerContent: 'ownerContent',
  /** The id of the caller's earlier image with the same bytes (Image.duplicateOf). */
  duplicateOf: 'duplicateOf',
} as const;

export const imageStatuses = [
  'PENDING_UPLOAD',
  'PROCESSING',
  'COMPLETED',
  'FLAGGED',
  'FAILED',
  'REJECTED',
] as const satisfies readonly ImageStatus[];

/**
 * The statuses GSI byStatus lists: PROCESSING (the sweeper and restart recovery look for stuck
 * images) and FLAGGED (moderation). Every other status leaves the index by dropping `statusKey`.
 */
export const statusesWithStatusKey: readonly ImageStatus[] = ['PROCESSING', 'FLAGGED'];

/** The only status that expires: an upload never POSTed is deleted by the table's TTL. */
export const expiringStatus: ImageStatus = 'PENDING_UPLOAD';

/** The `ownerStatus` value of GSI byOwnerStatus. */
export function ownerStatusKey(owner: string, status: ImageStatus): string {
  return `${owner}#${status}`;
}

/**
 * The `ownerContent` value of GSI byOwnerContent. The owner is part of the key, so one owner's
 * lookup can never find, or learn of, another owner's image with the same bytes.
 */
export function ownerContentKey(owner: string, sha256: string): string {
  return `${owner}#${sha256}`;
}

/**
 * The statuses whose renditions get URLs (Thumbnail.url): the moderation verdict is known. While an
 * image is processing, and after it failed, nothing is signed: Image.thumbnails answers null URLs
 * without asking signUrls, so a milestone's publish never invokes the function.
 */
export const signableStatuses: readonly ImageStatus[] = ['COMPLETED', 'FLAGGED'];

/** The statuses whose stored renditions and analysis a duplicate may reuse. */
export const reusableStatuses: readonly ImageStatus[] = ['COMPLETED', 'FLAGGED'];

/** Whether an item of this status carries `statusKey` (and so appears in GSI byStatus). */
export function carriesStatusKey(status: ImageStatus): boolean {
  return statusesWithStatusKey.includes(status);
}

/** The TTL of a PENDING_UPLOAD item created or returned to pending at `nowEpochSeconds`. */
export function pendingUploadExpiry(nowEpochSeconds: number): number {
  return nowEpochSeconds + limits.pendingUploadTtlSeconds;
}

/** The status-dependent attributes an item holds in one status. */
export interface StatusAttributes {
  status: ImageStatus;
  ownerStatus: string;
  statusKey?: ImageStatus;
  expiresAtEpoch?: number;
}

/** The status-dependent attributes to write when an item enters `status` at `nowEpochSeconds`. */
export function statusAttributes(
  owner: string,
  status: ImageStatus,
  nowEpochSeconds: number,
): StatusAttributes {
  const attributes: StatusAttributes = { status, ownerStatus: ownerStatusKey(owner, status) };
  if (carriesStatusKey(status)) {
    attributes.statusKey = status;
  }
  if (status === expiringStatus) {
    attributes.expiresAtEpoch = pendingUploadExpiry(nowEpochSeconds);
  }
  return attributes;
}

/** The status-dependent attributes an item entering `status` must drop (an UpdateItem's REMOVE). */
export function attributesDroppedIn(status: ImageStatus): Array<'statusKey' | 'expiresAtEpoch'> {
  const dropped: Array<'statusKey' | 'expiresAtEpoch'> = [];
  if (!carriesStatusKey(status)) {
    dropped.push(imageAttributes.statusKey);
  }
  if (status !== expiringStatus) {
    dropped.push(imageAttributes.expiresAtEpoch);
  }
  return dropped;
}

/** A PENDING_UPLOAD item past its TTL: DynamoDB deletes it up to ~48 h late, so reads hide it. */
export function isExpiredPending(
  item: { status: string; expiresAtEpoch?: number | null },
  nowEpochSeconds: number,
): boolean {
  return (
    item.status === expiringStatus &&
    typeof item.expiresAtEpoch === 'number' &&
    item.expiresAtEpoch < nowEpochSeconds
  );
}

/**
 * Moderation (issue 20): only a FLAGGED image is reviewed, once — the review's conditional write
 * requires this status and no `review` yet, so of two moderators exactly one decides.
 */
export const reviewableStatus: ImageStatus = 'FLAGGED';

/**
 * The status a decision moves a FLAGGED item to: APPROVE returns it to PROCESSING, under no lease,
 * until the approval run (queue → dispatch → pipeline) saves the unblurred renditions as COMPLETED;
 * REJECT is terminal at once (REJECTED carries no statusKey once announced).
 */
export function reviewedStatus(decision: 'APPROVE' | 'REJECT'): ImageStatus {
  return decision === 'APPROVE' ? 'PROCESSING' : 'REJECTED';
}

/** The statuses announced to the owner (onImageProcessed, SNS) as terminal. */
export const terminalStatuses: readonly ImageStatus[] = ['COMPLETED', 'FLAGGED', 'FAILED', 'REJECTED'];
