/** Pipeline step `inspect`: validates the original and returns its metadata (docs/contracts.md). */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger, metrics } from '../shared/powertools.ts';
import { type Inspection, inspectObject } from './inspect-object.ts';

const env = readEnv(['BUCKET_NAME']);

export const inspectEvent = z.object({
  bucket: z.literal(env.BUCKET_NAME, { error: 'must be the image bucket' }),
  key: z.string().min(1),
  /** The version the upload event carries: every step reads exactly the bytes that claimed the item. */
  versionId: z.string().min(1),
  owner: z.string().min(1),
  id: z.string().min(1),
});

export async function handler(event: unknown, context?: Context): Promise<Inspection> {
  if (context) logger.addContext(context);
  const request = parseEvent(inspectEvent, event);
  logger.appendKeys({ owner: request.owner, id: request.id });
  try {
    const inspection = await inspectObject(s3Client(), request);
    logger.info('inspected', { ...inspection });
    metrics.addMetric('ImagesInspected', MetricUnit.Count, 1);
    return inspection;
  } catch (error) {
    // The error's name is the code the pipeline records; log it with the cause sharp gave.
    logger.warn('image refused', error as Error);
    metrics.addMetric('ImagesRefused', MetricUnit.Count, 1);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
}
