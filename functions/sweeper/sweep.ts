/**
 * The sweeper: images PROCESSING for longer than the pipeline's timeout were lost by it (an Express
 * timeout, a failure inside the Catch path). Each is marked FAILED with code `Timeout`, published
 * to subscribers and announced on the topic; one image's trouble does not stop the others.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { imageAttributes } from '../../contracts/image-item.ts';
import { names } from '../../contracts/names.ts';
import type { AppSyncClient } from '../shared/appsync-client.ts';
import { TimeoutError } from '../shared/errors.ts';
import { failImage } from '../shared/fail-image.ts';
import { publishImageProcessed } from '../shared/publish-image-processed.ts';

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

export async function sweep(deps: SweepDeps): Promise<{ swept: number }> {
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
    // Announcing is best effort per channel: the item is already FAILED and will not be swept again.
    try {
      await publishImageProcessed(deps.appsync, key);
    } catch (cause) {
      failures += 1;
      deps.logger.error('could not publish a swept image', { ...key, error: cause as Error });
    }
    try {
      await notify(deps, key);
    } catch (cause) {
      failures += 1;
      deps.logger.error('could not notify the topic of a swept image', { ...key, error: cause as Error });
    }
  }
  deps.metrics.addMetric('ItemsSwept', MetricUnit.Count, swept);
  if (failures > 0) deps.metrics.addMetric('SweepErrors', MetricUnit.Count, failures);
  deps.logger.info('sweep finished', { swept, failures, cutoff });
  return { swept };
}

/** Keys of PROCESSING images last updated before `cutoff`, from the sparse byStatus index. */
async function* stuckImages(
  documents: DynamoDBDocumentClient,
  tableName: string,
  cutoff: string,
): AsyncGenerator<ImageKey> {
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
        yield { owner: item.owner, id: item.id };
    }
  }
}

/** The same message the pipeline's NotifyFailure state sends. */
async function notify(deps: SweepDeps, key: ImageKey): Promise<void> {
  await deps.sns.send(
    new PublishCommand({
      TopicArn: deps.topicArn,
      Message: JSON.stringify({ owner: key.owner, id: key.id, status: 'FAILED' }),
      MessageAttributes: {
        status: { DataType: 'String', StringValue: 'FAILED' },
        owner: { DataType: 'String', StringValue: key.owner },
      },
    }),
  );
}
