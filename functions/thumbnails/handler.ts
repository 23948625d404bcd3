/**
 * Pipeline step `thumbnails`: six renditions of the original written to S3, or a duplicate's copied
 * from the image it duplicates (docs/contracts.md).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { documentClient, s3Client } from '../shared/clients.ts';
import { readReusableImage } from '../shared/duplicates.ts';
import { readEnv } from '../shared/env.ts';
import { imageReference, pipelineStep } from '../shared/pipeline-step.ts';
import { metrics } from '../shared/powertools.ts';
import { reuseOrMakeThumbnails } from './make-thumbnails.ts';

const env = readEnv(['TABLE_NAME', 'BUCKET_NAME']);

export const thumbnailsEvent = imageReference(env.BUCKET_NAME).extend({
  /** inspect's finding: the owner's earlier image with the same bytes. */
  duplicateOf: z.string().min(1).nullish(),
});

export const handler = pipelineStep({
  name: 'thumbnails',
  schema: thumbnailsEvent,
  run: async ({ duplicateOf, ...request }) => {
    const source = duplicateOf
      ? await readReusableImage(
          { documents: documentClient(), tableName: env.TABLE_NAME },
          { owner: request.owner, id: duplicateOf },
        )
      : null;
    return reuseOrMakeThumbnails(s3Client(), request, source);
  },
  succeeded: (result, elapsedMs) => {
    if (result.reusedFrom) metrics.addMetric('ThumbnailsReused', MetricUnit.Count, 1);
    return {
      message: result.reusedFrom ? 'thumbnails copied from a duplicate' : 'thumbnails written',
      fields: { count: result.thumbnails.length, reusedFrom: result.reusedFrom, elapsedMs },
    };
  },
});
