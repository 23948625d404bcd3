/** Pipeline step "save result": write the result while the image is PROCESSING, else clean up. */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { documentClient, s3Client } from '../shared/clients.ts';
import { inheritedReviewSchema } from '../shared/duplicates.ts';
import { readEnv } from '../shared/env.ts';
import {
  analysisSchema,
  photoMetadataSchema,
  placeholderSchema,
  thumbnailSchema,
} from '../shared/image-item.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger } from '../shared/powertools.ts';
import { saveResult } from './save-result.ts';

const env = readEnv(['TABLE_NAME', 'BUCKET_NAME']);

export const saveResultEvent = z.object({
  owner: z.string().min(1),
  id: z.string().min(1),
  status: z.enum(['COMPLETED', 'FLAGGED']),
  image: z.object({
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    format: z.string().min(1),
    orientation: z.number().int(),
    etag: z.string(),
    bytes: z.number().int().positive(),
    metadata: photoMetadataSchema.nullish(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { error: 'must be a hex SHA-256' })
      .optional(),
    duplicateOf: z.string().min(1).nullish(),
  }),
  thumbnails: z.array(thumbnailSchema),
  placeholder: placeholderSchema,
  analysis: analysisSchema,
  inheritedReview: inheritedReviewSchema.nullish(),
  leaseToken: z.string().min(1),
});

export async function handler(event: unknown, context?: Context): Promise<{ saved: boolean }> {
  if (context) logger.addContext(context);
  const input = parseEvent(saveResultEvent, event);
  const result = await saveResult(
    {
      s3: s3Client(),
      documents: documentClient(),
      tableName: env.TABLE_NAME,
      bucket: env.BUCKET_NAME,
      now: () => new Date(),
      logger,
    },
    input,
  );
  logger.info('save result', { owner: input.owner, id: input.id, status: input.status, ...result });
  return result;
}
