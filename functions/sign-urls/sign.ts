/**
 * `Thumbnail.url` for a batch of thumbnails: for each thumbnail of a finished image, a CloudFront
 * signed URL in the cloud (`cdn` given) or a short-lived presigned S3 GET (the local stack); null
 * for anything else (a thumbnail key is never signed while processing).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { isQuarantinedOriginalKey, isThumbnailKey, limits } from '../../contracts/names.ts';
import type { ImageStatus } from '../../generated/schema.ts';
import { type CdnSigning, cdnThumbnailUrl } from './cdn-url.ts';

export interface SignRequest {
  key: string;
  imageStatus: ImageStatus;
  /** Image.originalUrl: sign the quarantined original of a FLAGGED image instead of a rendition. */
  quarantined?: boolean;
}

const signableStatuses: ReadonlySet<ImageStatus> = new Set(['COMPLETED', 'FLAGGED']);

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
  const sign = cdn
    ? async (key: string) => cdnThumbnailUrl(cdn, key, now)
    : (key: string) =>
        getSignedUrl(s3, new GetObjectCommand({ Bucket: options.bucket, Key: key }), { expiresIn });
  const signOriginal = (key: string) =>
    getSignedUrl(s3, new GetObjectCommand({ Bucket: options.bucket, Key: key }), {
      expiresIn: limits.originalUrlSeconds,
    });
  return Promise.all(
    requests.map((request) => {
      if (request.quarantined) {
        // A moderator's look at what they judge: only a FLAGGED image's quarantined original, an
        // S3 GET of minutes (the CDN serves renditions only).
        return request.imageStatus === 'FLAGGED' && isQuarantinedOriginalKey(request.key)
          ? signOriginal(request.key)
          : null;
      }
      // Only rendition keys: a field resolver fed a wrong key must not hand out an original,
      // quarantined or not, or anything else under thumbnails/.
      return signableStatuses.has(request.imageStatus) && isThumbnailKey(request.key)
        ? sign(request.key)
        : null;
    }),
  );
}
