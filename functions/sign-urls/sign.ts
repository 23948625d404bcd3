/**
 * `Thumbnail.url` for a batch of thumbnails: for each thumbnail of a finished image, a CloudFront
 * signed URL in the cloud (`cdn` given) or a short-lived presigned S3 GET (the local stack); null
 * for anything else (a thumbnail key is never signed while processing).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { isThumbnailKey, limits } from '../../contracts/names.ts';
import type { ImageStatus } from '../../generated/schema.ts';
import { type CdnSigning, cdnThumbnailUrl } from './cdn-url.ts';
import { presignGets } from './presign-batch.ts';

export interface SignRequest {
  key: string;
  imageStatus: ImageStatus;
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
  // Only rendition keys: a field resolver fed a wrong key must not hand out an original,
  // quarantined or not, or anything else under thumbnails/.
  const signable = requests.map(
    (request) => signableStatuses.has(request.imageStatus) && isThumbnailKey(request.key),
  );
  const keys = requests.filter((_, i) => signable[i]).map((request) => request.key);
  const urls = cdn
    ? keys.map((key) => cdnThumbnailUrl(cdn, key, now))
    : await presignGets(s3, options.bucket, keys, { expiresIn, signingDate: now });
  let next = 0;
  return signable.map((yes) => (yes ? (urls[next++] ?? null) : null));
}
