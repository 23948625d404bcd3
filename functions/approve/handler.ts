/** Pipeline step `approve`: unblurred renditions of an approved image, saved COMPLETED (approve-image.ts). */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { documentClient, s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { pipelineStep } from '../shared/pipeline-step.ts';
import { logger, metrics } from '../shared/powertools.ts';
import { approveImage } from './approve-image.ts';

const env = readEnv(['TABLE_NAME', 'BUCKET_NAME']);

export const approveEvent = z.object({
  bucket: z.literal(env.BUCKET_NAME, { error: 'must be the image bucket' }),
  owner: z.string().min(1),
  id: z.string().min(1),
  leaseToken: z.string().min(1),
});

export const handler = pipelineStep({
  name: 'approve',
  schema: approveEvent,
  run: (request) =>
    approveImage(
      {
        s3: s3Client(),
        documents: documentClient(),
        tableName: env.TABLE_NAME,
        now: () => new Date(),
        log: (message, fields) => logger.warn(message, fields),
      },
      request,
    ),
  succeeded: (result) => {
    if (result.saved) metrics.addMetric('ImagesApproved', MetricUnit.Count, 1);
    return { message: result.saved ? 'approved image re-rendered' : 'approval not saved', fields: result };
  },
});
