/**
 * What a restart does with images a previous run left PROCESSING. No execution survives a restart
 * (Step Functions marks them ABORTED), so every lease at boot is dead. An item claimed through the
 * queue (it carries a lease) still has its message, which SQS makes visible again at once: its lease
 * is released so that message claims it straight away. An item PROCESSING without a lease was started
 * outside the queue: it is put back to PENDING_UPLOAD (conditionally) and re-driven with a
 * synthesized "Object Created" event. Every step of the pipeline is idempotent, so work done before
 * the restart is simply redone.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, limits, names } from '../contracts/names.ts';

export interface OrphanImage {
  owner: string;
  id: string;
  /** Claimed through the queue (MarkProcessing wrote a lease): its message still exists. */
  leased: boolean;
}

/** Every item PROCESSING right now (GSI byStatus: only PROCESSING/FLAGGED items carry statusKey). */
export async function processingImages(client: DynamoDBClient): Promise<OrphanImage[]> {
  const documents = DynamoDBDocumentClient.from(client);
  const found: OrphanImage[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: names.table,
        IndexName: names.indexes.byStatus,
        KeyConditionExpression: 'statusKey = :processing',
        ExpressionAttributeValues: { ':processing': 'PROCESSING' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? [])
      found.push({
        owner: String(item.owner),
        id: String(item.id),
        leased: typeof item.leasedAt === 'string',
      });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
}

/** PROCESSING → PENDING_UPLOAD, only if still PROCESSING; false when something else moved it. */
export async function returnToPending(
  client: DynamoDBClient,
  image: OrphanImage,
  now = new Date(),
): Promise<boolean> {
  const documents = DynamoDBDocumentClient.from(client);
  try {
    await documents.send(
      new UpdateCommand({
        TableName: names.table,
        Key: { owner: image.owner, id: image.id },
        ConditionExpression: '#status = :processing',
        UpdateExpression:
          'SET #status = :pending, ownerStatus = :ownerStatus, updatedAt = :now, expiresAtEpoch = :expires REMOVE statusKey',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':processing': 'PROCESSING',
          ':pending': 'PENDING_UPLOAD',
          ':ownerStatus': `${image.owner}#PENDING_UPLOAD`,
          ':now': now.toISOString(),
          ':expires': Math.floor(now.getTime() / 1000) + limits.pendingUploadTtlSeconds,
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Drops the lease of a PROCESSING item (a dead execution's), so its redelivered message can claim it. */
export async function releaseLease(client: DynamoDBClient, image: OrphanImage): Promise<boolean> {
  const documents = DynamoDBDocumentClient.from(client);
  try {
    await documents.send(
      new UpdateCommand({
        TableName: names.table,
        Key: { owner: image.owner, id: image.id },
        ConditionExpression: '#status = :processing',
        UpdateExpression: 'REMOVE leaseToken',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':processing': 'PROCESSING' },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The key of the original an orphan's pipeline must be started for. */
export const originalKeyOf = (image: OrphanImage) => keys.original(image.owner, image.id);
