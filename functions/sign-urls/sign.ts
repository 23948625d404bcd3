/**
 * `Thumbnail.url` for a batch of thumbnails: for each thumbnail of a finished image, a CloudFront
 * signed URL in the cloud (`cdn` given) or a short-lived presigned S3 GET (the local stack); null
 * for anything else (a thumbnail key is never signed while processing).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { signableStatuses } from '../../contracts/image-item.ts';
import { isQuarantinedOriginalKey, isThumbnailKey, limits } from '../../contracts/names.ts';
import type { ImageStatus } from '../../generated/schema.ts';
import { type CdnSigning, cdnThumbnailUrl } from './cdn-url.ts';
import { presignGets } from './presign-batch.ts';

export interface SignRequest {
  key: string;
  imageStatus: ImageStatus;
  /** Image.originalUrl: sign the quarantined original of a FLAGGED image instead of a rendition. */
  quarantined?: boolean;
}

export interface SignOptions {
  bucket: string;
  expiresInSeconds?: number;
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
  const expiresIn = options.expiresInSeconds ?? limits.thumbnailUrlSeconds;
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
    ? keys.map((key) => cdnThumbnailUrl(cdn, key, now))
    : await presignGets(s3, options.bucket, keys, { expiresIn, signingDate: now });
  let next = 0;
  return Promise.all(
    requests.map(async (request, i) => {
      if (rendition[i]) return renditionUrls[next++] ?? null;
      // A moderator's look at what they judge: only a FLAGGED image's quarantined original, an
      // S3 GET of minutes (the CDN serves renditions only).
      if (request.quarantined && request.imageStatus === 'FLAGGED' && isQuarantinedOriginalKey(request.key))
        return signOriginal(request.key);
      return null;
    }),
  );
}
