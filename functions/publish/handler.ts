/** Pipeline step "publish": `publishImageProcessed` through AppSync with IAM, so subscribers get the image. */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { appSyncClientFromEnvironment } from '../shared/appsync-client.ts';
import { readEnv } from '../shared/env.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger } from '../shared/powertools.ts';
import { type PublishResult, publishImageProcessed } from '../shared/publish-image-processed.ts';

const env = readEnv(['GRAPHQL_URL']);
const appsync = appSyncClientFromEnvironment(env.GRAPHQL_URL);

export const publishEvent = z.object({ owner: z.string().min(1), id: z.string().min(1) });

export async function handler(event: unknown, context?: Context): Promise<PublishResult> {
  if (context) logger.addContext(context);
  const key = parseEvent(publishEvent, event);
  const result = await publishImageProcessed(appsync, key);
  if (result.published) logger.info('image published', { ...key, status: result.status });
  else logger.warn('image not published: it no longer exists', key);
  return result;
}
