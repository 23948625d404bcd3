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
import { unannouncedStatusKey } from '../contracts/announcement.ts';
import { attributesDroppedIn, imageAttributes, statusAttributes } from '../contracts/image-item.ts';
import { keys, names } from '../contracts/names.ts';
import type { ImageStatus } from '../generated/schema.ts';

export interface ImageKey {
  owner: string;
  id: string;
}

export interface OrphanImage extends ImageKey {
  /** Claimed through the queue (MarkProcessing wrote a lease): its message still exists. */
  leased: boolean;
}

/** Every item PROCESSING right now (the sparse GSI byStatus: see `statusesWithStatusKey`). */
export async function processingImages(client: DynamoDBClient): Promise<OrphanImage[]> {
  const documents = DynamoDBDocumentClient.from(client);
  const found: OrphanImage[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: names.table,
        IndexName: names.indexes.byStatus,
        KeyConditionExpression: '#statusKey = :processing',
        ExpressionAttributeNames: { '#statusKey': imageAttributes.statusKey },
        ExpressionAttributeValues: { ':processing': 'PROCESSING' satisfies ImageStatus },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? [])
      found.push({
        owner: String(item.owner),
        id: String(item.id),
        leased: typeof item[imageAttributes.leasedAt] === 'string',
      });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
}

/** PROCESSING → PENDING_UPLOAD, only if still PROCESSING; false when something else moved it. */
export async function returnToPending(
  client: DynamoDBClient,
  image: ImageKey,
  now = new Date(),
): Promise<boolean> {
  const documents = DynamoDBDocumentClient.from(client);
  const pending = statusAttributes(image.owner, 'PENDING_UPLOAD', Math.floor(now.getTime() / 1000));
  const set = { ...pending, updatedAt: now.toISOString() };
  const dropped = attributesDroppedIn('PENDING_UPLOAD');
  try {
    await documents.send(
      new UpdateCommand({
        TableName: names.table,
        Key: { owner: image.owner, id: image.id },
        ConditionExpression: '#status = :processing',
        UpdateExpression:
          `SET ${Object.keys(set)
            .map((name) => `#${name} = :${name}`)
            .join(', ')}` +
          (dropped.length > 0 ? ` REMOVE ${dropped.map((name) => `#${name}`).join(', ')}` : ''),
        ExpressionAttributeNames: Object.fromEntries(
          [...Object.keys(set), ...dropped].map((name) => [`#${name}`, name]),
        ),
        ExpressionAttributeValues: {
          ':processing': 'PROCESSING' satisfies ImageStatus,
          ...Object.fromEntries(Object.entries(set).map(([name, value]) => [`:${name}`, value])),
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
export async function releaseLease(client: DynamoDBClient, image: ImageKey): Promise<boolean> {
  const documents = DynamoDBDocumentClient.from(client);
  try {
    await documents.send(
      new UpdateCommand({
        TableName: names.table,
        Key: { owner: image.owner, id: image.id },
        ConditionExpression: '#status = :processing',
        UpdateExpression: 'REMOVE #leaseToken',
        ExpressionAttributeNames: {
          '#status': imageAttributes.status,
          '#leaseToken': imageAttributes.leaseToken,
        },
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
export const originalKeyOf = (image: ImageKey) => keys.original(image.owner, image.id);

/**
 * Every terminal item whose announcement was never recorded (byStatus = UNANNOUNCED, a Query). At
 * boot no execution is alive, so none will be announced by its own run: recovery announces them
 * without the sweeper's grace.
 */
export async function unannouncedImages(client: DynamoDBClient): Promise<ImageKey[]> {
  const documents = DynamoDBDocumentClient.from(client);
  const found: ImageKey[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: names.table,
        IndexName: names.indexes.byStatus,
        KeyConditionExpression: '#statusKey = :unannounced',
        ExpressionAttributeNames: { '#statusKey': imageAttributes.statusKey },
        ExpressionAttributeValues: { ':unannounced': unannouncedStatusKey },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) found.push({ owner: String(item.owner), id: String(item.id) });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
}
