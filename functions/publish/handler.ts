/**
 * Pipeline step "publish": announces the image's terminal state — `publishImageProcessed` through
 * AppSync with IAM for subscribers, then the SNS topic — and records the announcement
 * (functions/shared/announce.ts, the same path the sweeper and local recovery take).
 */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { type AnnounceResult, announceImage } from '../shared/announce.ts';
import { appSyncClientFromEnvironment } from '../shared/appsync-client.ts';
import { documentClient, snsClient } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger } from '../shared/powertools.ts';

const env = readEnv(['GRAPHQL_URL', 'TABLE_NAME', 'TOPIC_ARN']);
const appsync = appSyncClientFromEnvironment(env.GRAPHQL_URL);

export const publishEvent = z.object({ owner: z.string().min(1), id: z.string().min(1) });

export async function handler(event: unknown, context?: Context): Promise<AnnounceResult> {
  if (context) logger.addContext(context);
  const key = parseEvent(publishEvent, event);
  const result = await announceImage(
    {
      appsync,
      sns: snsClient(),
      documents: documentClient(),
      tableName: env.TABLE_NAME,
      topicArn: env.TOPIC_ARN,
      now: () => new Date(),
    },
    key,
  );
  if (result.announced) logger.info('image announced', { ...key, ...result });
  else logger.warn('image not announced: it no longer exists or is not finished', { ...key, ...result });
  return result;
}
