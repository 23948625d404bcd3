/**
 * `reviewImage` (issue 20): a moderator decides a FLAGGED image exactly once. The decision is one
 * conditional write — status FLAGGED and no `review` yet — so of two moderators deciding at once,
 * exactly one wins and the other is told the image is no longer awaiting review.
 * - APPROVE: the item returns to PROCESSING (no lease) with the review, and the approval's message
 *   goes to the upload queue (contracts/review.ts); the pipeline re-renders from the quarantined
 *   original there, never here (AppSync resolvers time out at 30 s), saves COMPLETED and announces.
 * - REJECT: REJECTED at once, with the stored bytes given back in the same transaction; then every
 *   object of the image and its label index are deleted and the decision is announced like any
 *   terminal state (`publishImageProcessed`, SNS). A failed announcement stays UNANNOUNCED for the
 *   sweeper.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unannouncedStatusKey } from '../../contracts/announcement.ts';
import {
  attributesDroppedIn,
  imageAttributes,
  reviewableStatus,
  reviewedStatus,
  statusAttributes,
} from '../../contracts/image-item.ts';
import { progressAttributes, sequenceAddClause, sequenceStep } from '../../contracts/image-stage.ts';
import { approvalMessage } from '../../contracts/review.ts';
import { usageAttributes } from '../../contracts/usage.ts';
import { type AnnounceDeps, announceImage } from '../shared/announce.ts';
import {
  type ImageRecord,
  isConditionalCheckFailed,
  type StoredReview,
  toImage,
} from '../shared/image-item.ts';
import { deleteLabelIndex } from '../shared/label-index-items.ts';
import { purgeImageObjects } from '../shared/purge-objects.ts';
import { countStoredBytes, isFirstItemConditionFailure } from '../shared/stored-bytes.ts';
import { retryTransactionConflicts } from '../shared/transaction-conflict.ts';

export interface ReviewRequest {
  owner: string;
  id: string;
  decision: 'APPROVE' | 'REJECT';
  note?: string | null;
  /** The deciding moderator's Cognito sub (from the resolver's identity, never an argument). */
  reviewer: string;
}

export type ReviewOutcome =
  | { outcome: 'decided'; image: ImageRecord }
  | { outcome: 'notFound' }
  /** Not FLAGGED, or already decided: `status` is what the image is now. */
  | { outcome: 'notReviewable'; status: string; decidedBy?: string };

export interface ReviewDeps extends AnnounceDeps {
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  queueUrl: string;
  log: (message: string, fields: Record<string, unknown>) => void;
}

type Item = Record<string, unknown>;
const key = (request: ReviewRequest) => ({ owner: request.owner, id: request.id });

/** The condition every decision is written under: the image still awaits review. */
const awaitingReview = '#status = :flagged AND attribute_not_exists(#review)';

export async function reviewImage(deps: ReviewDeps, request: ReviewRequest): Promise<ReviewOutcome> {
  const found = await read(deps, request);
  if (!found) return { outcome: 'notFound' };
  if (found.status !== reviewableStatus || found.review) return notReviewable(found);
  const now = deps.now();
  const review: StoredReview = {
    decision: request.decision,
    reviewer: request.reviewer,
    ...(request.note ? { note: request.note } : {}),
    reviewedAt: now.toISOString(),
  };
  return request.decision === 'APPROVE'
    ? approve(deps, request, review, now)
    : reject(deps, request, review, now, found);
}

async function read(deps: ReviewDeps, request: ReviewRequest): Promise<Item | undefined> {
  const out = await deps.documents.send(
    new GetCommand({ TableName: deps.tableName, Key: key(request), ConsistentRead: true }),
  );
  return out.Item;
}

function notReviewable(item: Item): ReviewOutcome {
  const review = item.review as { reviewer?: string } | undefined;
  return {
    outcome: 'notReviewable',
    status: String(item.status),
    ...(review?.reviewer ? { decidedBy: review.reviewer } : {}),
  };
}

/** After a lost condition: what the image is now (another moderator decided, or it was deleted). */
async function lostTheDecision(deps: ReviewDeps, request: ReviewRequest): Promise<ReviewOutcome> {
  const now = await read(deps, request);
  return now ? notReviewable(now) : { outcome: 'notFound' };
}

function updateParts(attributes: Item, removed: readonly string[]) {
  const names = Object.keys(attributes);
  return {
    UpdateExpression:
      `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}` +
      (removed.length > 0 ? ` REMOVE ${removed.map((name) => `#${name}`).join(', ')}` : '') +
      // The verdict is the image's next event: it takes the next sequence number (contracts/image-stage.ts).
      ` ${sequenceAddClause}`,
    ExpressionAttributeNames: Object.fromEntries(
      [...new Set([...names, ...removed, 'status', 'review', progressAttributes.sequence])].map((name) => [
        `#${name}`,
        name,
      ]),
    ),
    values: {
      ...Object.fromEntries(names.map((name) => [`:${name}`, attributes[name]])),
      ':sequenceStep': sequenceStep,
    },
  };
}

async function approve(
  deps: ReviewDeps,
  request: ReviewRequest,
  review: StoredReview,
  now: Date,
): Promise<ReviewOutcome> {
  const status = reviewedStatus('APPROVE');
  // PROCESSING with no lease: the approval run claims it. `leasedAt` dates the hand-over, so the
  // sweeper waits the whole retry horizon for the message before it gives up on the image.
  const attributes: Item = {
    ...statusAttributes(request.owner, status, Math.floor(now.getTime() / 1000)),
    review,
    updatedAt: review.reviewedAt,
    [imageAttributes.leasedAt]: review.reviewedAt,
    [imageAttributes.leaseAttempt]: 0,
  };
  const parts = updateParts(attributes, [...attributesDroppedIn(status), imageAttributes.leaseToken]);
  let updated: Item | undefined;
  try {
    const out = await deps.documents.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: key(request),
        ConditionExpression: awaitingReview,
        UpdateExpression: parts.UpdateExpression,
        ExpressionAttributeNames: parts.ExpressionAttributeNames,
        ExpressionAttributeValues: { ':flagged': reviewableStatus, ...parts.values },
        ReturnValues: 'ALL_NEW',
      }),
    );
    updated = out.Attributes;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return lostTheDecision(deps, request);
    throw error;
  }
  try {
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: deps.queueUrl,
        MessageBody: JSON.stringify(approvalMessage(deps.bucket, key(request))),
      }),
    );
  } catch (error) {
    // Nothing will re-render it: hand the image back to the queue of FLAGGED images, undecided.
    await undoApproval(deps, request, review);
    throw error;
  }
  return { outcome: 'decided', image: toImage(updated ?? {}) };
}

async function undoApproval(deps: ReviewDeps, request: ReviewRequest, review: StoredReview): Promise<void> {
  const flagged = statusAttributes(request.owner, reviewableStatus, 0);
  try {
    await deps.documents.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: key(request),
        ConditionExpression:
          '#status = :processing AND #review.reviewedAt = :reviewedAt AND attribute_not_exists(leaseToken)',
        UpdateExpression:
          'SET #status = :flagged, ownerStatus = :ownerStatus, statusKey = :flagged REMOVE #review, leasedAt, leaseAttempt',
        ExpressionAttributeNames: { '#status': 'status', '#review': 'review' },
        ExpressionAttributeValues: {
          ':processing': 'PROCESSING',
          ':reviewedAt': review.reviewedAt,
          ':flagged': reviewableStatus,
          ':ownerStatus': flagged.ownerStatus,
        },
      }),
    );
  } catch (error) {
    deps.log('could not undo an approval whose message was not sent', {
      ...key(request),
      error: String(error),
    });
  }
}

async function reject(
  deps: ReviewDeps,
  request: ReviewRequest,
  review: StoredReview,
  now: Date,
  found: Item,
): Promise<ReviewOutcome> {
  const status = reviewedStatus('REJECT');
  const bytes = found[usageAttributes.usageBytes];
  const counted = typeof bytes === 'number' && bytes > 0 ? bytes : undefined;
  const attributes: Item = {
    ...statusAttributes(request.owner, status, Math.floor(now.getTime() / 1000)),
    review,
    // No rendition is left, so nothing to list or sign.
    thumbnails: [],
    updatedAt: review.reviewedAt,
    processedAt: review.reviewedAt,
    // Terminal, unannounced until announced below (or by the sweeper): then it leaves byStatus.
    statusKey: unannouncedStatusKey,
  };
  const removed = [
    ...attributesDroppedIn(status).filter((name) => name !== 'statusKey'),
    'placeholder',
    usageAttributes.usageBytes,
    imageAttributes.leaseToken,
  ];
  const parts = updateParts(attributes, removed);
  // The bytes read are the bytes given back: the condition pins them (nothing recounts a FLAGGED image).
  const bytesCondition =
    counted === undefined ? 'attribute_not_exists(#usageBytes)' : '#usageBytes = :usageBytes';
  try {
    const reject = new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: deps.tableName,
            Key: key(request),
            ConditionExpression: `${awaitingReview} AND ${bytesCondition}`,
            UpdateExpression: parts.UpdateExpression,
            ExpressionAttributeNames: parts.ExpressionAttributeNames,
            ExpressionAttributeValues: {
              ':flagged': reviewableStatus,
              ...parts.values,
              ...(counted === undefined ? {} : { ':usageBytes': counted }),
            },
          },
        },
        ...(counted === undefined ? [] : [countStoredBytes(deps.tableName, request.owner, -counted)]),
      ],
    });
    // The owner's usage total is shared by all their saves and deletes: a concurrent one is retried here.
    await retryTransactionConflicts(() => deps.documents.send(reject));
  } catch (error) {
    if (isFirstItemConditionFailure(error)) return lostTheDecision(deps, request);
    throw error;
  }
  const deleted = await purgeImageObjects(deps.s3, deps.bucket, key(request));
  const labels = (found.analysis as { labels?: Array<{ name: string; parents: string[] }> } | undefined)
    ?.labels;
  await deleteLabelIndex(deps.documents, deps.tableName, key(request), labels ?? []);
  deps.log('image rejected: every object deleted', { ...key(request), deletedObjectVersions: deleted });
  try {
    await announceImage(deps, key(request));
  } catch (error) {
    deps.log('rejection not announced yet: the sweeper will', { ...key(request), error: String(error) });
  }
  const after = await read(deps, request);
  return { outcome: 'decided', image: toImage(after ?? { ...found, ...attributes }) };
}
