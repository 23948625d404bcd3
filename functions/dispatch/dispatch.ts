/**
 * dispatch: one SQS message (an EventBridge "Object Created" event) → one synchronous Express
 * execution. SUCCEEDED settles the message. Anything else is a platform failure (image errors end
 * the execution in Succeed): the message is hidden for a backoff that grows with its receive count
 * (ReportBatchItemFailures alone would bring it back only after the visibility timeout), and at the
 * last receive the image is FAILED with a retryable code, loses whatever thumbnails its attempts
 * wrote, and is announced before SQS moves the message to the DLQ, where one redrive command can
 * finish it later.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { type SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import {
  backoffSeconds,
  flow,
  retryableFailureCodes,
  type SyncExecutionStatus,
} from '../../contracts/flow.ts';
import { imageKeyOfObject } from '../../contracts/review.ts';
import { type AnnounceDeps, announceImage } from '../shared/announce.ts';
import { failImage } from '../shared/fail-image.ts';
import { purgeThumbnails } from '../shared/purge-objects.ts';

/** The part of the EventBridge event dispatch reads; the execution gets the whole event. */
const objectCreatedBody = z.looseObject({
  'detail-type': z.string(),
  detail: z.looseObject({
    bucket: z.looseObject({ name: z.string().min(1) }),
    object: z.looseObject({ key: z.string().min(1) }),
  }),
});

/** What one attempt came to. */
export type AttemptOutcome =
  | { status: 'SUCCEEDED' }
  | { status: Exclude<SyncExecutionStatus, 'SUCCEEDED'>; error: string; cause: string; executionArn?: string }
  | { status: 'NOT_STARTED'; error: string; cause: string };

/** What to do with the message after an attempt. */
export type Decision =
  | { action: 'delete' }
  | { action: 'retry'; visibilitySeconds: number }
  | { action: 'give-up'; code: string };

/** Pure: the outcome of the `receiveCount`-th attempt → the message's fate. */
export function decide(outcome: AttemptOutcome, receiveCount: number, backoffScale = 1): Decision {
  if (outcome.status === 'SUCCEEDED') return { action: 'delete' };
  if (receiveCount >= flow.maxReceiveCount) {
    return {
      action: 'give-up',
      code:
        outcome.status === 'TIMED_OUT'
          ? retryableFailureCodes.processingTimeout
          : retryableFailureCodes.serviceUnavailable,
    };
  }
  return { action: 'retry', visibilitySeconds: backoffSeconds(receiveCount, backoffScale) };
}

/**
 * The image a message is about — an upload's `uploads/{owner}/{id}/original` or a moderator's
 * approval (`quarantine/{owner}/{id}/original`, contracts/review.ts) — so that either is FAILED
 * with a retryable code at the retry limit; undefined for any other key (the pipeline deletes those).
 */
export const imageKeyOf = imageKeyOfObject;

/** The execution's input: the event plus the claim the pipeline's MarkProcessing state uses. */
export function executionInput(event: Record<string, unknown>, receiveCount: number, now: Date): string {
  const staleBefore = new Date(now.getTime() - flow.leaseSeconds * 1000).toISOString();
  return JSON.stringify({ ...event, claim: { staleBefore, attempt: receiveCount } });
}

export interface DispatchDeps extends AnnounceDeps {
  sfn: SFNClient;
  sqs: SQSClient;
  s3: S3Client;
  bucket: string;
  documents: DynamoDBDocumentClient;
  stateMachineArn: string;
  queueUrl: string;
  tableName: string;
  backoffScale: number;
  now: () => Date;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/** Handles one record; resolves true when the message is settled (delete it), false to report it failed. */
export async function dispatchRecord(deps: DispatchDeps, record: SQSRecord): Promise<boolean> {
  let event: z.output<typeof objectCreatedBody>;
  try {
    event = objectCreatedBody.parse(JSON.parse(record.body));
  } catch (error) {
    // No retry can make a malformed body valid: drop it (SQS would only move it to the DLQ later).
    deps.log('dropped a message that is not an Object Created event', {
      messageId: record.messageId,
      error: String(error),
    });
    return true;
  }
  const receiveCount = Math.max(1, Number(record.attributes.ApproximateReceiveCount) || 1);
  const now = deps.now();
  const outcome = await attempt(deps, executionInput(event, receiveCount, now));
  const decision = decide(outcome, receiveCount, deps.backoffScale);
  const fields = { messageId: record.messageId, key: event.detail.object.key, receiveCount, ...outcome };
  if (decision.action === 'delete') return true;
  if (decision.action === 'retry') {
    deps.log('platform failure: retrying after a backoff', { ...fields, ...decision });
    await deps.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: deps.queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: decision.visibilitySeconds,
      }),
    );
    return false;
  }
  deps.log('platform failure at the retry limit: the image is FAILED, the message goes to the DLQ', {
    ...fields,
    code: decision.code,
  });
  await giveUp(deps, event.detail.object.key, decision.code, outcome, now);
  // Visible again at once: its next receive moves it to the DLQ (receive count > maxReceiveCount).
  await deps.sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: deps.queueUrl,
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: 0,
    }),
  );
  return false;
}

/** StartSyncExecution answers HTTP 200 for a failed execution: its `status` says what happened. */
async function attempt(deps: DispatchDeps, input: string): Promise<AttemptOutcome> {
  try {
    const result = await deps.sfn.send(
      new StartSyncExecutionCommand({ stateMachineArn: deps.stateMachineArn, input }),
    );
    const status = result.status as SyncExecutionStatus | undefined;
    if (status === 'SUCCEEDED') return { status };
    return {
      status: status === 'TIMED_OUT' ? 'TIMED_OUT' : 'FAILED',
      error: result.error ?? (status === 'TIMED_OUT' ? 'States.Timeout' : 'States.Runtime'),
      cause: result.cause ?? '',
      ...(result.executionArn ? { executionArn: result.executionArn } : {}),
    };
  } catch (error) {
    // Throttled or refused by Step Functions, or the network: the workflow never ran.
    return {
      status: 'NOT_STARTED',
      error: error instanceof Error ? error.name : 'Error',
      cause: error instanceof Error ? error.message : String(error),
    };
  }
}

async function giveUp(
  deps: DispatchDeps,
  objectKey: string,
  code: string,
  outcome: AttemptOutcome,
  now: Date,
): Promise<void> {
  const key = imageKeyOf(objectKey);
  if (!key) return;
  const last = outcome.status === 'SUCCEEDED' ? '' : ` The last attempt ended with ${outcome.error}.`;
  const marked = await failImage(deps.documents, {
    tableName: deps.tableName,
    ...key,
    error: {
      code,
      message: `Processing was retried ${flow.maxReceiveCount} times for platform reasons and did not finish; it can be retried.${last}`,
    },
    now,
    fromStatuses: ['PENDING_UPLOAD', 'PROCESSING'],
    // Never under a live lease of another execution (a duplicate message still at work).
    leaseNotHeld: {
      staleBefore: new Date(now.getTime() - flow.leaseSeconds * 1000).toISOString(),
      ...('executionArn' in outcome && outcome.executionArn ? { token: outcome.executionArn } : {}),
    },
  });
  if (!marked) return;
  // A FAILED image owns no thumbnails: an attempt that ran out of time may have written some. A
  // thumbnails call still running checks the lease after writing and removes its own.
  try {
    await purgeThumbnails(deps.s3, deps.bucket, key);
  } catch (error) {
    deps.log("could not delete the failed image's thumbnails", { ...key, error: String(error) });
  }
  // The same announcement as the pipeline's (dedupe key, publishedAt recorded); if it fails the
  // item stays UNANNOUNCED and the sweeper announces it.
  try {
    await announceImage(deps, key);
  } catch (error) {
    deps.log('could not announce the failed image', { ...key, error: String(error) });
  }
}
