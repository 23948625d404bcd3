/** Lambda data source `createUpload`: the presigned POST of requestUpload's ticket. */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { limits, supportedContentTypes } from '../../contracts/names.ts';
import { s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger } from '../shared/powertools.ts';
import { presignUpload, type UploadTicket } from './presign.ts';

const env = readEnv(['BUCKET_NAME']);

export const createUploadEvent = z.object({
  owner: z.string().min(1),
  id: z.string().min(1),
  contentType: z.enum(supportedContentTypes),
  size: z.number().int().min(1).max(limits.maxUploadBytes),
});

export async function handler(event: unknown, context?: Context): Promise<UploadTicket> {
  if (context) logger.addContext(context);
  const request = parseEvent(createUploadEvent, event);
  logger.info('presigning upload', { owner: request.owner, id: request.id, size: request.size });
  return presignUpload(s3Client(), { bucket: env.BUCKET_NAME, now: () => new Date() }, request);
}
