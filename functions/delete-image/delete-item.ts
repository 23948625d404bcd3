/**
 * Deletes an image item and gives its stored bytes back to the owner's usage (contracts/usage.ts)
 * in one transaction. The item's `usageBytes` is what save-result counted; the delete is conditional
 * on it, so a save committing between our read and our delete cannot leak bytes: we read again.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { usageAttributes } from '../../contracts/usage.ts';
import { isConditionalCheckFailed } from '../shared/image-item.ts';
import { countStoredBytes } from '../shared/stored-bytes.ts';
import { retryTransactionConflicts } from '../shared/transaction-conflict.ts';

type Item = Record<string, unknown>;

/** Read-then-delete rounds before giving up; each lost round means a save committed meanwhile. */
const maxAttempts = 3;

function countedBytes(item: Item): number | undefined {
  const bytes = item[usageAttributes.usageBytes];
  return typeof bytes === 'number' && bytes > 0 ? bytes : undefined;
}

async function deleteOnce(
  documents: DynamoDBDocumentClient,
  tableName: string,
  key: { owner: string; id: string },
  item: Item,
): Promise<void> {
  const names = { '#usageBytes': usageAttributes.usageBytes };
  const bytes = countedBytes(item);
  if (bytes === undefined) {
    await documents.send(
      new DeleteCommand({
        TableName: tableName,
        Key: key,
        ConditionExpression: 'attribute_not_exists(#usageBytes)',
        ExpressionAttributeNames: names,
      }),
    );
    return;
  }
  const transaction = new TransactWriteCommand({
    TransactItems: [
      {
        Delete: {
          TableName: tableName,
          Key: key,
          ConditionExpression: '#usageBytes = :bytes',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':bytes': bytes },
        },
      },
      countStoredBytes(tableName, key.owner, -bytes),
    ],
  });
  // The owner's usage total is shared by all their saves and deletes: a concurrent one is retried here.
  await retryTransactionConflicts(() => documents.send(transaction));
}

function lostTheRace(error: unknown): boolean {
  return (
    isConditionalCheckFailed(error) ||
    (error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed')
  );
}

/** Deletes the item read as `item`; returns the item as last read, or null once it is gone. */
export async function deleteImageItem(
  documents: DynamoDBDocumentClient,
  tableName: string,
  key: { owner: string; id: string },
  item: Item,
): Promise<Item | null> {
  let current: Item | undefined = item;
  for (let attempt = 1; current; attempt += 1) {
    try {
      await deleteOnce(documents, tableName, key, current);
      return current;
    } catch (error) {
      if (!lostTheRace(error) || attempt >= maxAttempts) throw error;
    }
    const reread = await documents.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    current = reread.Item;
  }
  return null;
}
