/**
 * The usage side of saving a result: the transaction item that adds an original's bytes to its
 * owner's `bytesStored` (contracts/usage.ts), and how to tell the image's own condition failing
 * from any other cancellation.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { usageAttributes, usageTotalKey } from '../../contracts/usage.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** ADD `bytes` (negative to give them back) to the owner's stored bytes. */
export function countStoredBytes(tableName: string, owner: string, bytes: number): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: usageTotalKey(owner),
      UpdateExpression: 'ADD #bytes :bytes',
      ExpressionAttributeNames: { '#bytes': usageAttributes.bytesStored },
      ExpressionAttributeValues: { ':bytes': bytes },
    },
  };
}

/**
 * ADD a stored original's `bytes` only while the total stays within `limit`: requestUpload checks
 * the declared size against what is stored, but tickets taken together all pass before any byte is
 * stored, so the save is where bytesLimit holds.
 */
export function countStoredBytesWithin(
  tableName: string,
  owner: string,
  bytes: number,
  limit: number,
): TransactItem {
  const add = countStoredBytes(tableName, owner, bytes);
  return {
    Update: {
      ...add.Update,
      ConditionExpression: 'attribute_not_exists(#bytes) OR #bytes <= :room',
      ExpressionAttributeValues: { ...add.Update?.ExpressionAttributeValues, ':room': limit - bytes },
    } as NonNullable<TransactItem['Update']>,
  };
}

/** A TransactionCanceledException whose item at `index` failed its condition. */
export function isItemConditionFailure(error: unknown, index: number): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return reasons?.[index]?.Code === 'ConditionalCheckFailed';
}

/** A TransactionCanceledException whose first item (the image's) failed its condition. */
export function isFirstItemConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return reasons?.[0]?.Code === 'ConditionalCheckFailed';
}
