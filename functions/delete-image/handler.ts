/** Lambda data source `deleteImage`: returns the deleted Image, or null for an unknown id (the resolver answers NotFound). */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { documentClient, s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import type { ImageRecord } from '../shared/image-item.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger } from '../shared/powertools.ts';
import { deleteImage } from './delete-image.ts';

const env = readEnv(['TABLE_NAME', 'BUCKET_NAME']);

export const deleteImageEvent = z.object({ owner: z.string().min(1), id: z.string().min(1) });

export async function handler(event: unknown, context?: Context): Promise<ImageRecord | null> {
  if (context) logger.addContext(context);
  const key = parseEvent(deleteImageEvent, event);
  const deleted = await deleteImage(
    { s3: s3Client(), documents: documentClient(), tableName: env.TABLE_NAME, bucket: env.BUCKET_NAME },
    key,
  );
  logger.info(deleted ? 'image deleted' : 'no such image', { ...key, status: deleted?.status });
  return deleted;
}
