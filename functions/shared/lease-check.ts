/**
 * A step's fence before it does something only the lease holder may do: one conditional write that
 * succeeds only while the image is PROCESSING under the step's `leaseToken` (the execution that
 * claimed it, `$$.Execution.Id`). After a redrive or a sweep a newer execution holds the lease, and
 * a stale step that still runs must leave the image to it (docs/contracts.md, "The lease").
 */
import type { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ImageStatus } from '../../generated/schema.ts';
import { isConditionalCheckFailed } from './image-item.ts';

export interface LeaseCheckDeps {
  documents: Pick<DynamoDBDocumentClient, 'send'>;
  tableName: string;
}

export type LeaseHold =
  | { held: true }
  /** `item`: the image as stored when the check failed (undefined: deleted). */
  | { held: false; item: Record<string, unknown> | undefined };

/** The check's request: exported for the unit test of its condition. */
export function leaseCheckCommand(
  tableName: string,
  image: { owner: string; id: string },
  leaseToken: string,
): UpdateCommand {
  return new UpdateCommand({
    TableName: tableName,
    Key: { owner: image.owner, id: image.id },
    ConditionExpression: '#status = :processing AND #leaseToken = :leaseToken',
    // DynamoDB has no conditional read: rewriting the token as it is changes nothing, and makes the
    // check one atomic request that, failing, returns whose the image is (no second read).
    UpdateExpression: 'SET #leaseToken = :leaseToken',
    ExpressionAttributeNames: { '#status': 'status', '#leaseToken': 'leaseToken' },
    ExpressionAttributeValues: {
      ':processing': 'PROCESSING' satisfies ImageStatus,
      ':leaseToken': leaseToken,
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
}

/**
 * Whether the execution holding `leaseToken` still holds the image. Any failure but the condition's
 * is thrown: a step that cannot tell must not act as the holder, and its retry asks again.
 */
export async function checkLease(
  deps: LeaseCheckDeps,
  image: { owner: string; id: string },
  leaseToken: string,
): Promise<LeaseHold> {
  try {
    await deps.documents.send(leaseCheckCommand(deps.tableName, image, leaseToken));
    return { held: true };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const stored = (error as ConditionalCheckFailedException).Item;
    return { held: false, item: stored ? unmarshall(stored) : undefined };
  }
}
