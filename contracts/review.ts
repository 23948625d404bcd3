/**
 * Moderation's approval run (issue 20), defined once: the message reviewImage sends to the upload
 * queue for an APPROVE, which dispatch hands to the pipeline like an upload's event. It names the
 * quarantined original, never an uploads/ key, and carries `approval`, which the state machine's
 * first Choice routes to the approval states (ClaimApproval → Approve → Publish). It travels
 * through the queue and not through S3 events: the original's move back is a CopyObject, which the
 * upload rule ignores, so no upload run starts.
 */
import { keys } from './names.ts';

export const approvalDetailType = 'Image Approved';
export const approvalSource = 'darkroom.moderation';

export interface ApprovalMessage {
  source: typeof approvalSource;
  'detail-type': typeof approvalDetailType;
  detail: { bucket: { name: string }; object: { key: string } };
  approval: { owner: string; id: string };
}

export function approvalMessage(bucket: string, image: { owner: string; id: string }): ApprovalMessage {
  return {
    source: approvalSource,
    'detail-type': approvalDetailType,
    detail: { bucket: { name: bucket }, object: { key: keys.quarantinedOriginal(image.owner, image.id) } },
    approval: { owner: image.owner, id: image.id },
  };
}

/**
 * The image a queued message is about: `uploads/{owner}/{id}/original` (an upload) or
 * `quarantine/{owner}/{id}/original` (an approval); undefined for any other key.
 */
export function imageKeyOfObject(objectKey: string): { owner: string; id: string } | undefined {
  const parts = objectKey.split('/');
  if (parts.length !== 4 || parts[3] !== 'original') return undefined;
  if (parts[0] !== 'uploads' && parts[0] !== 'quarantine') return undefined;
  const [, owner, id] = parts;
  return owner && id ? { owner, id } : undefined;
}
