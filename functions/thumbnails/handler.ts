/** Pipeline step `thumbnails`: six renditions of the original written to S3 (docs/contracts.md). */
import { s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { milestonesFromEnvironment } from '../shared/milestones.ts';
import { imageReference, pipelineStep } from '../shared/pipeline-step.ts';
import { makeThumbnails } from './make-thumbnails.ts';

const env = readEnv(['BUCKET_NAME']);
const milestones = milestonesFromEnvironment();

export const thumbnailsEvent = imageReference(env.BUCKET_NAME);

export const handler = pipelineStep({
  name: 'thumbnails',
  schema: thumbnailsEvent,
  run: async (request) => {
    const result = await makeThumbnails(s3Client(), request);
    // The renditions exist; their keys and URLs reach the item only with the verdict (save-result).
    await milestones.reached(request, 'THUMBNAILS_READY');
    return result;
  },
  succeeded: (result, elapsedMs) => ({
    message: 'thumbnails written',
    fields: { count: result.thumbnails.length, elapsedMs },
  }),
});
