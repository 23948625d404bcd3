/**
 * Lambda data source `signUrls`: BatchInvoke of `Thumbnail.url`. In the cloud (CDN_* set by
 * infra/cdn.ts) it signs CloudFront URLs with the private key read once from Secrets Manager;
 * locally, with no CDN, presigned S3 GETs.
 */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { imageStatuses } from '../../contracts/image-item.ts';
import { s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger } from '../shared/powertools.ts';
import { cdnSigningFromEnvironment } from './cdn-signing.ts';
import { signThumbnailUrls } from './sign.ts';

const env = readEnv(['BUCKET_NAME']);

export const signUrlsEvent = z.array(
  z.object({
    key: z.string(),
    imageStatus: z.enum(imageStatuses),
    /** Image.originalUrl: the quarantined original (moderators only), never through the CDN. */
    quarantined: z.boolean().optional(),
  }),
);

export async function handler(event: unknown, context?: Context): Promise<Array<string | null>> {
  if (context) logger.addContext(context);
  const requests = parseEvent(signUrlsEvent, event);
  logger.debug('signing thumbnail urls', { count: requests.length });
  const cdn = await cdnSigningFromEnvironment();
  return signThumbnailUrls(s3Client(), { bucket: env.BUCKET_NAME, ...(cdn ? { cdn } : {}) }, requests);
}
