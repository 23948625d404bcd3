/**
 * The sweeper: images PROCESSING for longer than the pipeline's timeout were lost by it (an Express
 * timeout, a failure inside the Catch path). Each is marked FAILED with code `Timeout` and
 * announced. Images terminal but unannounced past a grace period (their execution died after the
 * result was saved) are announced too: every terminal state is announced at least once. One
 * image's trouble does not stop the others.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SNSClient } from '@aws-sdk/client-sns';
import { type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { announcementGraceSeconds, unannouncedStatusKey } from '../../contracts/announcement.ts';
import { names } from '../../contracts/names.ts';
import { announceImage } from '../shared/announce.ts';
import type { AppSyncClient } from '../shared/appsync-client.ts';
import { TimeoutError } from '../shared/errors.ts';
import { failImage } from '../shared/fail-image.ts';

export interface SweepDeps {
  documents: DynamoDBDocumentClient;
  sns: SNSClient;
  appsync: AppSyncClient;
  tableName: string;
  topicArn: string;
  timeoutSeconds: number;
  now: () => Date;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics: Pick<Metrics, 'addMetric'>;
}

interface ImageKey {
  owner: string;
  id: string;
}

export async function sweep(deps: SweepDeps): Promise<{ swept: number; announced: number }> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - deps.timeoutSeconds * 1000).toISOString();
  const timeout = new TimeoutError(`The pipeline did not finish within ${deps.timeoutSeconds} seconds.`);
  const error = { code: timeout.name, message: timeout.message };
  let swept = 0;
  let failures = 0;
  for await (const key of stuckImages(deps.documents, deps.tableName, cutoff)) {
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
    // If announcing fails, the item stays UNANNOUNCED and the next sweep announces it.
    if (!(await announce(deps, key))) failures += 1;
  }
  const announceBefore = new Date(now.getTime() - announcementGraceSeconds * 1000).toISOString();
  let announced = 0;
  for await (const key of imagesWithStatusKey(
    deps.documents,
    deps.tableName,
    unannouncedStatusKey,
    announceBefore,
  )) {
    if (await announce(deps, key)) announced += 1;
    else failures += 1;
  }
  deps.metrics.addMetric('ItemsSwept', MetricUnit.Count, swept);
  deps.metrics.addMetric('UnannouncedAnnounced', MetricUnit.Count, announced);
  if (failures > 0) deps.metrics.addMetric('SweepErrors', MetricUnit.Count, failures);
  deps.logger.info('sweep finished', { swept, announced, failures, cutoff });
  return { swept, announced };
}

async function announce(deps: SweepDeps, key: ImageKey): Promise<boolean> {
  try {
    await announceImage({ ...deps, now: deps.now }, key);
    return true;
  } catch (cause) {
    deps.logger.error('could not announce an image', { ...key, error: cause as Error });
    return false;
  }
}

/** Keys of PROCESSING images last updated before `cutoff`, from the sparse byStatus index. */
function stuckImages(documents: DynamoDBDocumentClient, tableName: string, cutoff: string) {
  return imagesWithStatusKey(documents, tableName, 'PROCESSING', cutoff);
}

/** Keys of images whose byStatus key is `statusKey`, last updated before `cutoff` (a Query, never a Scan). */
async function* imagesWithStatusKey(
  documents: DynamoDBDocumentClient,
  tableName: string,
  statusKey: string,
  cutoff: string,
): AsyncGenerator<ImageKey> {
  const pages = paginateQuery(
    { client: documents },
    {
      TableName: tableName,
      IndexName: names.indexes.byStatus,
      KeyConditionExpression: '#statusKey = :statusKey AND #updatedAt < :cutoff',
      ExpressionAttributeNames: { '#statusKey': 'statusKey', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: { ':statusKey': statusKey, ':cutoff': cutoff },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      if (typeof item.owner === 'string' && typeof item.id === 'string')
        yield { owner: item.owner, id: item.id };
    }
  }
}
