// What the DynamoDB item holds beyond the GraphQL Image, and the expiry rule reads share.
import type { Image } from '../../generated/schema.ts';

export type ImageItem = Image & { ownerStatus: string; expiresAtEpoch?: number | null };

/** A PENDING_UPLOAD item past its TTL: DynamoDB deletes it up to ~48 h late, so reads hide it. */
export function isExpiredPending(item: ImageItem, nowEpochSeconds: number): boolean {
  return (
    item.status === 'PENDING_UPLOAD' &&
    typeof item.expiresAtEpoch === 'number' &&
    item.expiresAtEpoch < nowEpochSeconds
  );
}
