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

/** A TransactionCanceledException whose first item (the image's) failed its condition. */
export function isFirstItemConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return reasons?.[0]?.Code === 'ConditionalCheckFailed';
}
