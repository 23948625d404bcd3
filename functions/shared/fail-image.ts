/** Marks an image FAILED with `{code, message}`, conditionally, so a finished or deleted image is left alone. */

import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unannouncedStatusKey } from '../../contracts/announcement.ts';
import { attributesDroppedIn, ownerStatusKey } from '../../contracts/image-item.ts';
import { progressAttributes, sequenceAddClause, sequenceStep } from '../../contracts/image-stage.ts';
import type { ImageStatus } from '../../generated/schema.ts';
import { isConditionalCheckFailed } from './image-item.ts';

export interface FailImageInput {
  tableName: string;
  owner: string;
  id: string;
  error: { code: string; message: string };
  now: Date;
  /** The statuses the image may be in for the update to apply. */
  fromStatuses: readonly ImageStatus[];
  /** Only when the item was last updated before this instant (the sweeper's guard against a racing pipeline). */
  updatedBefore?: string;
  /** Only while this execution holds the item's lease (the fencing token MarkProcessing wrote). */
  leaseToken?: string;
  /**
   * Only when no other execution holds a live lease: none, released, this `token`'s, or taken
   * before `staleBefore` (dispatch at the retry limit, the sweeper).
   */
  leaseNotHeld?: { token?: string; staleBefore: string };
}

/** Returns true when the item was marked FAILED, false when it is gone or no longer in `fromStatuses`. */
export async function failImage(documents: DynamoDBDocumentClient, input: FailImageInput): Promise<boolean> {
  const at = input.now.toISOString();
  const statusValues = Object.fromEntries(
    input.fromStatuses.map((status, index) => [`:from${index}`, status]),
  );
  const conditions = [
    'attribute_exists(#id)',
    `#status IN (${Object.keys(statusValues).join(', ')})`,
    ...(input.updatedBefore ? ['#updatedAt < :updatedBefore'] : []),
    ...(input.leaseToken ? ['leaseToken = :leaseToken'] : []),
    ...(input.leaseNotHeld
      ? [
          `(attribute_not_exists(leaseToken) OR leasedAt < :staleBefore${input.leaseNotHeld.token ? ' OR leaseToken = :ownToken' : ''})`,
        ]
      : []),
  ];
  try {
    await documents.send(
      new UpdateCommand({
        TableName: input.tableName,
        Key: { owner: input.owner, id: input.id },
        ConditionExpression: conditions.join(' AND '),
        UpdateExpression:
          'SET #status = :failed, ownerStatus = :ownerStatus, #error = :error, #updatedAt = :at, processedAt = :at, ' +
          // Terminal but not yet announced, until the announcement is recorded (contracts/announcement.ts).
          `statusKey = :unannounced REMOVE ${attributesDroppedIn('FAILED')
            .filter((name) => name !== 'statusKey')
            .join(', ')} ` +
          // The terminal event takes the next sequence number too (contracts/image-stage.ts).
          sequenceAddClause,
        ExpressionAttributeNames: {
          '#id': 'id',
          '#sequence': progressAttributes.sequence,
          '#status': 'status',
          '#error': 'error',
          '#updatedAt': 'updatedAt',
        },
        ExpressionAttributeValues: {
          ...statusValues,
          ':failed': 'FAILED',
          ':sequenceStep': sequenceStep,
          ':unannounced': unannouncedStatusKey,
          ':ownerStatus': ownerStatusKey(input.owner, 'FAILED'),
          ':error': { code: input.error.code, message: input.error.message },
          ':at': at,
          ...(input.updatedBefore ? { ':updatedBefore': input.updatedBefore } : {}),
          ...(input.leaseToken ? { ':leaseToken': input.leaseToken } : {}),
          ...(input.leaseNotHeld ? { ':staleBefore': input.leaseNotHeld.staleBefore } : {}),
          ...(input.leaseNotHeld?.token ? { ':ownToken': input.leaseNotHeld.token } : {}),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
