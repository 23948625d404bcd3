/** Scheduled: fails (thumbnails purged) and publishes images stuck in PROCESSING past their lease with no retry left (sweep.ts). */
import type { Context } from 'aws-lambda';
import { flow } from '../../contracts/flow.ts';
import { appSyncClientFromEnvironment } from '../shared/appsync-client.ts';
import { documentClient, s3Client, snsClient } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { logger, metrics } from '../shared/powertools.ts';
import { sweep } from './sweep.ts';

const env = readEnv(['TABLE_NAME', 'BUCKET_NAME', 'GRAPHQL_URL', 'TOPIC_ARN']);
const appsync = appSyncClientFromEnvironment(env.GRAPHQL_URL);

/** The event (an EventBridge schedule, or the local stack's timer) carries nothing the sweep needs. */
export async function handler(
  _event: unknown,
  context?: Context,
): Promise<{ swept: number; announced: number }> {
  if (context) logger.addContext(context);
  try {
    return await sweep({
      documents: documentClient(),
      sns: snsClient(),
      s3: s3Client(),
      bucket: env.BUCKET_NAME,
      appsync,
      tableName: env.TABLE_NAME,
      topicArn: env.TOPIC_ARN,
      timeoutSeconds: flow.leaseSeconds,
      now: () => new Date(),
      logger,
      metrics,
    });
  } finally {
    metrics.publishStoredMetrics();
  }
}
