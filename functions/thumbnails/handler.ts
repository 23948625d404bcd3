/** Pipeline step `thumbnails`: six renditions of the original written to S3 (docs/contracts.md). */
import { s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { imageReference, pipelineStep } from '../shared/pipeline-step.ts';
import { makeThumbnails } from './make-thumbnails.ts';

const env = readEnv(['BUCKET_NAME']);

export const thumbnailsEvent = imageReference(env.BUCKET_NAME);

export const handler = pipelineStep({
  name: 'thumbnails',
  schema: thumbnailsEvent,
  run: (request) => makeThumbnails(s3Client(), request),
  succeeded: (result, elapsedMs) => ({
    message: 'thumbnails written',
    fields: { count: result.thumbnails.length, elapsedMs },
  }),
});
