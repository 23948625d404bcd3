/**
 * Lambda data source `signUrls`: BatchInvoke of `Image.thumbnails` (one image's rendition keys per
 * item) and `Image.originalUrl` (one key per item), contracts/sign-urls.ts. In the cloud (CDN_*
 * set by infra/cdn.ts) it signs CloudFront URLs with the private key read once from Secrets
 * Manager; locally, with no CDN, presigned S3 GETs.
 */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { imageStatuses } from '../../contracts/image-item.ts';
import type { SignUrlsAnswer, SignUrlsRequest } from '../../contracts/sign-urls.ts';
import { s3Client } from '../shared/clients.ts';
import { readEnv } from '../shared/env.ts';
import { parseEvent } from '../shared/parse-event.ts';
import { logger } from '../shared/powertools.ts';
import { cdnSigningFromEnvironment } from './cdn-signing.ts';
import { signBatch } from './sign.ts';

const env = readEnv(['BUCKET_NAME']);

/**
 * One item per source object: `keys` (Image.thumbnails: one image's rendition keys) or `key`
 * (Image.originalUrl). One object schema rather than a union, so a bad item's error names the field.
 */
const signUrlsItem = z
  .object({
    imageStatus: z.enum(imageStatuses),
    keys: z.array(z.string()).optional(),
    key: z.string().optional(),
    /** Image.originalUrl: the quarantined original (moderators only), never through the CDN. */
    quarantined: z.boolean().optional(),
  })
  .refine((item) => (item.keys === undefined) !== (item.key === undefined), {
    message: 'give either key or keys',
  })
  .transform(({ imageStatus, keys, key, quarantined }): SignUrlsRequest => {
    if (keys !== undefined) return { keys, imageStatus };
    return { key: key ?? '', imageStatus, ...(quarantined === undefined ? {} : { quarantined }) };
  });

export const signUrlsEvent = z.array(signUrlsItem);

export async function handler(event: unknown, context?: Context): Promise<SignUrlsAnswer[]> {
  if (context) logger.addContext(context);
  const requests = parseEvent(signUrlsEvent, event);
  logger.debug('signing urls', { count: requests.length });
  const cdn = await cdnSigningFromEnvironment();
  return signBatch(s3Client(), { bucket: env.BUCKET_NAME, ...(cdn ? { cdn } : {}) }, requests);
}
