/**
 * The pipeline's Catch path: record the failure on the image unless it is gone or already
 * finished, then delete its thumbnails (every version): a FAILED image owns none, though a step
 * may have written some before the failure.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { failImage } from '../shared/fail-image.ts';
import { purgeThumbnails } from '../shared/purge-objects.ts';
import { type CaughtError, describeFailure, type ImageFailure } from './describe-failure.ts';

export interface MarkFailedInput {
  owner: string;
  id: string;
  error: CaughtError;
  /** The execution's fencing token: a stale execution never overwrites a newer one. */
  leaseToken: string;
}

export interface MarkFailedDeps {
  documents: DynamoDBDocumentClient;
  s3: S3Client;
  tableName: string;
  bucket: string;
  now: () => Date;
}

export async function markFailed(
  deps: MarkFailedDeps,
  input: MarkFailedInput,
): Promise<{ marked: boolean } & ImageFailure> {
  const failure = describeFailure(input.error);
  const marked = await failImage(deps.documents, {
    tableName: deps.tableName,
    owner: input.owner,
    id: input.id,
    error: failure,
    now: deps.now(),
    fromStatuses: ['PROCESSING'],
    leaseToken: input.leaseToken,
  });
  if (marked) {
    await purgeThumbnails(deps.s3, deps.bucket, input);
  }
  return { marked, ...failure };
}
