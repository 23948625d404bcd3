/**
 * URLs for a BatchInvoke of `signUrls`: for each rendition of a finished image, a CloudFront
 * signed URL in the cloud (`cdn` given) or a presigned S3 GET (the local stack), both fixed for a
 * window; null for anything else (a thumbnail key is never signed while processing).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { signableStatuses } from '../../contracts/image-item.ts';
import { isQuarantinedOriginalKey, isThumbnailKey, limits } from '../../contracts/names.ts';
import type { KeyUrlRequest, SignUrlsAnswer, SignUrlsRequest } from '../../contracts/sign-urls.ts';
import { type CdnSigning, rememberedCdnThumbnailUrl } from './cdn-url.ts';
import { rememberedS3ThumbnailUrls } from './s3-url.ts';

/** One key to sign (or not). */
export type SignRequest = KeyUrlRequest;

export interface SignOptions {
  bucket: string;
  /** The S3 URLs' window (s3-url.ts): each lives one to two of them. */
  windowSeconds?: number;
  /** Sign CloudFront URLs instead of S3 ones. */
  cdn?: CdnSigning;
  now?: () => Date;
}

/** One answer per request, in order. */
export async function signThumbnailUrls(
  s3: S3Client,
  options: SignOptions,
  requests: readonly SignRequest[],
): Promise<Array<string | null>> {
  const windowSeconds = options.windowSeconds ?? limits.thumbnailUrlSeconds;
  const { cdn } = options;
  const now = (options.now ?? (() => new Date()))();
  const signOriginal = (key: string) =>
    getSignedUrl(s3, new GetObjectCommand({ Bucket: options.bucket, Key: key }), {
      expiresIn: limits.originalUrlSeconds,
    });
  // Only rendition keys: a field resolver fed a wrong key must not hand out an original,
  // quarantined or not, or anything else under thumbnails/.
  const rendition = requests.map(
    (request) =>
      !request.quarantined && signableStatuses.includes(request.imageStatus) && isThumbnailKey(request.key),
  );
  const keys = requests.filter((_, i) => rendition[i]).map((request) => request.key);
  // Renditions are signed as one batch (presign-batch.ts): 300 of them for one listImages page.
  const renditionUrls = cdn
    ? keys.map((key) => rememberedCdnThumbnailUrl(cdn, key, now))
    : await rememberedS3ThumbnailUrls(s3, options.bucket, keys, now, windowSeconds);
  let next = 0;
  const answers = requests.map((request, i): string | null | Promise<string> => {
    if (rendition[i]) return renditionUrls[next++] ?? null;
    // A moderator's look at what they judge: only a FLAGGED image's quarantined original, an
    // S3 GET of minutes (the CDN serves renditions only).
    if (request.quarantined && request.imageStatus === 'FLAGGED' && isQuarantinedOriginalKey(request.key))
      return signOriginal(request.key);
    return null;
  });
  // A promise per answer only when an original is signed: a page's 300 renditions need none.
  return answers.some((answer) => answer instanceof Promise)
    ? Promise.all(answers)
    : (answers as Array<string | null>);
}

/**
 * One answer per request of a BatchInvoke, in order: a list of URLs for an image's rendition keys
 * (`Image.thumbnails`), one URL for a single key (`Image.originalUrl`). Every key of the batch is
 * signed in one go (one presigned-GET batch for a listImages page's 300 renditions).
 */
export async function signBatch(
  s3: S3Client,
  options: SignOptions,
  requests: readonly SignUrlsRequest[],
): Promise<SignUrlsAnswer[]> {
  const flat: SignRequest[] = [];
  for (const request of requests) {
    if ('keys' in request)
      for (const key of request.keys) flat.push({ key, imageStatus: request.imageStatus });
    else flat.push(request);
  }
  const urls = await signThumbnailUrls(s3, options, flat);
  let next = 0;
  return requests.map((request) => {
    if (!('keys' in request)) return urls[next++] ?? null;
    const own = urls.slice(next, next + request.keys.length);
    next += request.keys.length;
    return own;
  });
}
