/**
 * What a restart does with images a previous run left PROCESSING. No execution survives a restart
 * (Step Functions marks them ABORTED), so every PROCESSING item at boot is an orphan: it is put back
 * to PENDING_UPLOAD (conditionally) and the pipeline is started again with a synthesized "Object
 * Created" event for its original, exactly as the upload did. Every step of the pipeline is
 * idempotent, so work done before the restart is simply redone. An item whose original is gone
 * ends FAILED through the pipeline's own Catch path.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unannouncedStatusKey } from '../contracts/announcement.ts';
import { keys, limits, names } from '../contracts/names.ts';

export interface OrphanImage {
  owner: string;
  id: string;
}

/** Every item PROCESSING right now (GSI byStatus: only PROCESSING/FLAGGED items carry statusKey). */
export function processingImages(client: DynamoDBClient): Promise<OrphanImage[]> {
  return imagesWithStatusKey(client, 'PROCESSING');
}

/**
 * Every terminal item whose announcement was never recorded. At boot no execution is alive, so
 * none of them will be announced by its own run: recovery announces them without the sweeper's grace.
 */
export function unannouncedImages(client: DynamoDBClient): Promise<OrphanImage[]> {
  return imagesWithStatusKey(client, unannouncedStatusKey);
}

async function imagesWithStatusKey(client: DynamoDBClient, statusKey: string): Promise<OrphanImage[]> {
  const documents = DynamoDBDocumentClient.from(client);
  const found: OrphanImage[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: names.table,
        IndexName: names.indexes.byStatus,
        KeyConditionExpression: 'statusKey = :statusKey',
        ExpressionAttributeValues: { ':statusKey': statusKey },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) found.push({ owner: String(item.owner), id: String(item.id) });
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

/** The key of the original an orphan's pipeline must be started for. */
export const originalKeyOf = (image: OrphanImage) => keys.original(image.owner, image.id);
