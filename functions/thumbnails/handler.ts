/** Pipeline step `thumbnails`: six renditions of the original written to S3 (docs/contracts.md). */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import type { StoredThumbnail } from '../shared/image-item.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger, metrics } from '../shared/powertools.ts';
import { makeThumbnails } from './make-thumbnails.ts';

const env = readEnv(['BUCKET_NAME']);

export const thumbnailsEvent = z.object({
  bucket: z.literal(env.BUCKET_NAME, { error: 'must be the image bucket' }),
  key: z.string().min(1),
  /** The version the upload event carries: every step reads exactly the bytes that claimed the item. */
  versionId: z.string().min(1),
  owner: z.string().min(1),
  id: z.string().min(1),
});

export async function handler(event: unknown, context?: Context): Promise<{ thumbnails: StoredThumbnail[] }> {
  if (context) logger.addContext(context);
  const request = parseEvent(thumbnailsEvent, event);
  logger.appendKeys({ owner: request.owner, id: request.id });
  const started = performance.now();
  try {
    const result = await makeThumbnails(s3Client(), request);
    const elapsedMs = performance.now() - started;
    logger.info('thumbnails written', { count: result.thumbnails.length, elapsedMs });
    metrics.addMetric('ThumbnailsMs', MetricUnit.Milliseconds, elapsedMs);
    return result;
  } catch (error) {
    logger.warn('thumbnails failed', error as Error);
    metrics.addMetric('ThumbnailsFailed', MetricUnit.Count, 1);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
}
