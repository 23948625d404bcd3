/** Pipeline step `thumbnails`: six renditions of the original written to S3 (docs/contracts.md). */
import { z } from 'zod';
import { documentClient, s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { imageReference, pipelineStep } from '../shared/pipeline-step.ts';
import { discardIfLeaseLost } from './discard-if-lease-lost.ts';
import { makeThumbnails } from './make-thumbnails.ts';

const env = readEnv(['BUCKET_NAME', 'TABLE_NAME']);

export const thumbnailsEvent = imageReference(env.BUCKET_NAME).extend({
  /**
   * The execution's fencing token ($$.Execution.Id). The pipeline always passes it; a caller that
   * holds no lease (a tool re-rendering a finished image) omits it and cleans up after itself.
   */
  leaseToken: z.string().min(1).optional(),
});

export const handler = pipelineStep({
  name: 'thumbnails',
  schema: thumbnailsEvent,
  run: async (request) => {
    const s3 = s3Client();
    const { thumbnails, placeholder, written } = await makeThumbnails(s3, request);
    if (request.leaseToken !== undefined) {
      await discardIfLeaseLost(
        { documents: documentClient(), s3, tableName: env.TABLE_NAME, bucket: env.BUCKET_NAME },
        { owner: request.owner, id: request.id, leaseToken: request.leaseToken },
        written,
      );
    }
    return { thumbnails, placeholder };
  },
  succeeded: (result, elapsedMs) => ({
    message: 'thumbnails written',
    fields: { count: result.thumbnails.length, elapsedMs },
  }),
});
