/** The pipeline's Catch path: record the failure on the image unless it is gone or already finished. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { failImage } from '../shared/fail-image.ts';
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
  tableName: string;
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
  return { marked, ...failure };
}
