/**
 * The sweeper knows the lease (contracts/flow.ts). An image PROCESSING past its lease has nobody
 * working on it, but its message may still come back: it is failed only when no retry is left —
 * the expired lease was taken on the last receive (its message went to the DLQ with nobody to
 * mark it), or no message claimed it again within the whole retry horizon, or it was claimed
 * outside the queue (no lease, so no message). Each is marked FAILED with the retryable code
 * `ProcessingTimeout` (a DLQ redrive can still finish it), loses whatever thumbnails a timed-out
 * execution wrote (a FAILED image owns none), and is announced. Images terminal but
 * unannounced past a grace period (their execution died after the result was saved) are announced
 * too: every terminal state is announced at least once. One image's trouble does not stop the others.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { announcementGraceSeconds, unannouncedStatusKey } from '../../contracts/announcement.ts';
import { flow, retryableFailureCodes, retryHorizonSeconds } from '../../contracts/flow.ts';
import { imageAttributes } from '../../contracts/image-item.ts';
import { names } from '../../contracts/names.ts';
import { announceImage } from '../shared/announce.ts';
import type { AppSyncClient } from '../shared/appsync-client.ts';
import { failImage } from '../shared/fail-image.ts';
import { purgeThumbnails } from '../shared/purge-objects.ts';

export interface SweepDeps {
  documents: DynamoDBDocumentClient;
  sns: SNSClient;
  s3: S3Client;
  bucket: string;
  appsync: AppSyncClient;
  tableName: string;
  topicArn: string;
  /** How long a lease holds (flow.leaseSeconds): no execution can still be running after it. */
  timeoutSeconds: number;
  now: () => Date;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics: Pick<Metrics, 'addMetric'>;
}

interface ImageKey {
  owner: string;
  id: string;
}

/** A PROCESSING item past its lease, as the byStatus index holds it (projection ALL). */
interface StuckImage extends ImageKey {
  leasedAt?: string;
  leaseAttempt?: number;
}

/**
 * Pure: may this image, idle since before `cutoff`, be failed now? Never while its message can
 * still come back and claim it.
 */
export function hasNoRetryLeft(image: StuckImage, now: Date): boolean {
  if (image.leasedAt === undefined) return true; // claimed outside the queue: there is no message
  if ((image.leaseAttempt ?? 0) >= flow.maxReceiveCount) return true;
  const horizon = new Date(now.getTime() - retryHorizonSeconds() * 1000).toISOString();
  return image.leasedAt < horizon;
}

export async function sweep(deps: SweepDeps): Promise<{ swept: number; announced: number }> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - deps.timeoutSeconds * 1000).toISOString();
  const error = {
    code: retryableFailureCodes.processingTimeout,
    message: `Processing stopped and was not retried within the limit (${retryHorizonSeconds()} seconds); it can be retried.`,
  };
  let swept = 0;
  let failures = 0;
  let waiting = 0;
  for await (const image of stuckImages(deps.documents, deps.tableName, cutoff)) {
    const key = { owner: image.owner, id: image.id };
    if (!hasNoRetryLeft(image, now)) {
      waiting += 1;
      continue;
    }
    try {
      const marked = await failImage(deps.documents, {
        tableName: deps.tableName,
        ...key,
        error,
        now,
        fromStatuses: ['PROCESSING'],
        // The pipeline may have finished or moved on since the index was read.
        updatedBefore: cutoff,
      });
      if (!marked) {
        deps.logger.info('image moved on before it was swept', { ...key });
        continue;
      }
      swept += 1;
    } catch (cause) {
      failures += 1;
      deps.logger.error('could not mark a stuck image FAILED', { ...key, error: cause as Error });
      continue;
    }
    // A thumbnails call still running after this checks the lease after writing and removes its own.
    try {
      await purgeThumbnails(deps.s3, deps.bucket, key);
    } catch (cause) {
      failures += 1;
      deps.logger.error('could not delete the thumbnails of a swept image', {
        ...key,
        error: cause as Error,
      });
    }
    // If announcing fails, the item stays UNANNOUNCED and the next sweep announces it.
    if (!(await announce(deps, key))) failures += 1;
  }
  const announceBefore = new Date(now.getTime() - announcementGraceSeconds * 1000).toISOString();
  let announced = 0;
  for await (const key of unannouncedImages(deps.documents, deps.tableName, announceBefore)) {
    if (await announce(deps, key)) announced += 1;
    else failures += 1;
  }
  deps.metrics.addMetric('ItemsSwept', MetricUnit.Count, swept);
  deps.metrics.addMetric('UnannouncedAnnounced', MetricUnit.Count, announced);
  if (failures > 0) deps.metrics.addMetric('SweepErrors', MetricUnit.Count, failures);
  deps.logger.info('sweep finished', { swept, announced, failures, waiting, cutoff });
  return { swept, announced };
}

async function announce(deps: SweepDeps, key: ImageKey): Promise<boolean> {
  try {
    await announceImage(deps, key);
    return true;
  } catch (cause) {
    deps.logger.error('could not announce an image', { ...key, error: cause as Error });
    return false;
  }
}

/** Keys of terminal images never announced, saved before `cutoff`: a Query on byStatus, never a Scan. */
async function* unannouncedImages(
  documents: DynamoDBDocumentClient,
  tableName: string,
  cutoff: string,
): AsyncGenerator<ImageKey> {
  const pages = paginateQuery(
    { client: documents },
    {
      TableName: tableName,
      IndexName: names.indexes.byStatus,
      KeyConditionExpression: '#statusKey = :statusKey AND #updatedAt < :cutoff',
      ExpressionAttributeNames: {
        '#statusKey': imageAttributes.statusKey,
        '#updatedAt': imageAttributes.updatedAt,
      },
      ExpressionAttributeValues: { ':statusKey': unannouncedStatusKey, ':cutoff': cutoff },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      if (typeof item.owner === 'string' && typeof item.id === 'string')
        yield { owner: item.owner, id: item.id };
    }
  }
}

/** Keys of PROCESSING images last updated before `cutoff`, from the sparse byStatus index. */
async function* stuckImages(
  documents: DynamoDBDocumentClient,
  tableName: string,
  cutoff: string,
): AsyncGenerator<StuckImage> {
  const pages = paginateQuery(
    { client: documents },
    {
      TableName: tableName,
      IndexName: names.indexes.byStatus,
      KeyConditionExpression: '#statusKey = :processing AND #updatedAt < :cutoff',
      ExpressionAttributeNames: {
        '#statusKey': imageAttributes.statusKey,
        '#updatedAt': imageAttributes.updatedAt,
      },
      ExpressionAttributeValues: { ':processing': 'PROCESSING', ':cutoff': cutoff },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      if (typeof item.owner === 'string' && typeof item.id === 'string')
        yield {
          owner: item.owner,
          id: item.id,
          ...(typeof item[imageAttributes.leasedAt] === 'string'
            ? { leasedAt: item[imageAttributes.leasedAt] }
            : {}),
          ...(typeof item[imageAttributes.leaseAttempt] === 'number'
            ? { leaseAttempt: item[imageAttributes.leaseAttempt] }
            : {}),
        };
    }
  }
}
