/**
 * Announces an image's terminal state — `publishImageProcessed` for subscribers, then the SNS
 * topic — and records it (`publishedAt`; statusKey leaves UNANNOUNCED). Used by the pipeline's
 * publish step, the sweeper and local recovery alike, so each announces the same way. Repeats are
 * harmless: both channels carry the dedupe key (contracts/announcement.ts).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  announcementDedupeKey,
  statusKeyAfterAnnouncement,
  unannouncedStatusKey,
} from '../../contracts/announcement.ts';
import { terminalStatuses } from '../../contracts/image-item.ts';
import type { ImageStatus } from '../../generated/schema.ts';
import type { AppSyncClient } from './appsync-client.ts';
import { isConditionalCheckFailed } from './image-item.ts';
import { publishImageProcessed } from './publish-image-processed.ts';

export interface AnnounceDeps {
  appsync: AppSyncClient;
  sns: SNSClient;
  documents: DynamoDBDocumentClient;
  tableName: string;
  topicArn: string;
  now: () => Date;
}

export interface AnnounceResult {
  /** False when the image no longer exists or is not terminal: there is nothing to announce. */
  announced: boolean;
  status: ImageStatus | null;
  dedupeKey?: string;
}

const terminal: ReadonlySet<ImageStatus> = new Set(terminalStatuses);

export async function announceImage(
  deps: AnnounceDeps,
  key: { owner: string; id: string },
): Promise<AnnounceResult> {
  const published = await publishImageProcessed(deps.appsync, key);
  if (!published.image || !terminal.has(published.image.status)) {
    return { announced: false, status: published.image?.status ?? null };
  }
  const image = published.image;
  const dedupeKey = announcementDedupeKey({ id: key.id, ...image });
  await deps.sns.send(
    new PublishCommand({
      TopicArn: deps.topicArn,
      Message: JSON.stringify({ owner: key.owner, id: key.id, status: image.status, dedupeKey }),
      MessageAttributes: {
        status: { DataType: 'String', StringValue: image.status },
        owner: { DataType: 'String', StringValue: key.owner },
        dedupeKey: { DataType: 'String', StringValue: dedupeKey },
      },
    }),
  );
  await recordAnnouncement(deps, key, image);
  return { announced: true, status: image.status, dedupeKey };
}

/** Only the announced revision, and only while unannounced: a later state is announced on its own. */
async function recordAnnouncement(
  deps: AnnounceDeps,
  key: { owner: string; id: string },
  image: { status: ImageStatus; processedAt?: string | null },
): Promise<void> {
  const lasting = statusKeyAfterAnnouncement(image.status);
  try {
    await deps.documents.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: key,
        ConditionExpression: '#status = :status AND statusKey = :unannounced AND processedAt = :processedAt',
        UpdateExpression: lasting
          ? 'SET publishedAt = :now, statusKey = :lasting'
          : 'SET publishedAt = :now REMOVE statusKey',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': image.status,
          ':unannounced': unannouncedStatusKey,
          ':processedAt': image.processedAt ?? '',
          ':now': deps.now().toISOString(),
          ...(lasting ? { ':lasting': lasting } : {}),
        },
      }),
    );
  } catch (error) {
    // Recorded already (a repeat), or the image moved on or was deleted: nothing left to record.
    if (!isConditionalCheckFailed(error)) throw error;
  }
}
