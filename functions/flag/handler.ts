/** Pipeline step `flag`: blurred thumbnails over the same keys for an unsafe image (docs/contracts.md). */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { type StoredThumbnail, thumbnailSchema } from '../shared/image-item.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger, metrics } from '../shared/powertools.ts';
import { blurThumbnails } from './blur-thumbnails.ts';

const env = readEnv(['BUCKET_NAME']);

export const flagEvent = z.object({
  bucket: z.literal(env.BUCKET_NAME, { error: 'must be the image bucket' }),
  owner: z.string().min(1),
  id: z.string().min(1),
  /** The original's version that claimed the item: the blurred renditions are made from it. */
  versionId: z.string().min(1),
  thumbnails: z.array(thumbnailSchema),
});

export async function handler(event: unknown, context?: Context): Promise<{ thumbnails: StoredThumbnail[] }> {
  if (context) logger.addContext(context);
  const request = parseEvent(flagEvent, event);
  logger.appendKeys({ owner: request.owner, id: request.id });
  try {
    const { thumbnails, deletedVersions } = await blurThumbnails(s3Client(), request);
    logger.info('thumbnails blurred, original quarantined', { count: thumbnails.length, deletedVersions });
    metrics.addMetric('ImagesFlagged', MetricUnit.Count, 1);
    return { thumbnails };
  } catch (error) {
    logger.warn('flag failed', error as Error);
    metrics.addMetric('FlagFailed', MetricUnit.Count, 1);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
}
