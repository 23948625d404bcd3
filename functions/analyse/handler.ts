/** Pipeline step `analyse`: Rekognition labels, faces and moderation as the schema's Analysis (docs/contracts.md). */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { rekognitionClient, s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { decodableFormats } from '../shared/image-limits.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger, metrics } from '../shared/powertools.ts';
import { type AnalysisResult, analyseImage } from './analyse-image.ts';

const env = readEnv(['BUCKET_NAME']);

export const analyseEvent = z.object({
  bucket: z.literal(env.BUCKET_NAME, { error: 'must be the image bucket' }),
  key: z.string().min(1),
  /** The version the upload event carries: every step reads exactly the bytes that claimed the item. */
  versionId: z.string().min(1),
  owner: z.string().min(1),
  id: z.string().min(1),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  format: z.enum(decodableFormats),
  bytes: z.number().int().positive(),
  // Not in the contract's event yet: when the pipeline passes inspect's orientation, no header read is needed.
  orientation: z.number().int().min(1).max(8).optional(),
});

export async function handler(event: unknown, context?: Context): Promise<AnalysisResult> {
  if (context) logger.addContext(context);
  const request = parseEvent(analyseEvent, event);
  logger.appendKeys({ owner: request.owner, id: request.id });
  try {
    const analysis = await analyseImage({ rekognition: rekognitionClient(), s3: s3Client() }, request);
    logger.info('analysed', {
      labels: analysis.labels.length,
      faceCount: analysis.faceCount,
      moderationLabels: analysis.moderationLabels.map((label) => label.name),
    });
    metrics.addMetric(analysis.isSafe ? 'ImagesSafe' : 'ImagesUnsafe', MetricUnit.Count, 1);
    return analysis;
  } catch (error) {
    // Throttling and other Rekognition errors keep their names: the state machine retries on them.
    logger.warn('analysis failed', error as Error);
    metrics.addMetric('AnalysisFailed', MetricUnit.Count, 1);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
}
