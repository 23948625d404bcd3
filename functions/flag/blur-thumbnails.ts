/**
 * flag's work: for an unsafe image, write blurred renditions over the six thumbnail keys, from one
 * read of the original, so only blurred thumbnails exist by the time anything is published.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { keys } from '../../contracts/names.ts';
import { ValidationError } from '../shared/errors.ts';
import type { StoredThumbnail } from '../shared/image-item.ts';
import { imageLimits } from '../shared/image-limits.ts';
import { readObject } from '../shared/s3-objects.ts';
import type { Placeholder } from '../thumbnails/placeholder.ts';
import { renderImage } from '../thumbnails/renditions.ts';
import { type ImageLocation, storeThumbnails, thumbnailKey } from '../thumbnails/store-thumbnails.ts';

export interface FlagRequest extends ImageLocation {
  /** The thumbnails the thumbnails step wrote: each of their keys must be overwritten. */
  thumbnails: readonly StoredThumbnail[];
}

export async function blurThumbnails(
  s3: S3Client,
  request: FlagRequest,
): Promise<{ thumbnails: StoredThumbnail[]; placeholder: Placeholder }> {
  const original = await readObject(s3, {
    bucket: request.bucket,
    key: keys.original(request.owner, request.id),
    maxBytes: imageLimits.maxBytes,
  });
  // The placeholder comes from the blurred rendition too: nothing unblurred is left to paint.
  const { renditions, placeholder } = await renderImage(original.bytes, { blur: true });
  // Refuse before writing anything if a thumbnail would be left unblurred.
  const blurredKeys = new Set(renditions.map((rendition) => thumbnailKey(request, rendition)));
  const missed = request.thumbnails.filter((thumbnail) => !blurredKeys.has(thumbnail.key));
  if (missed.length > 0) {
    throw new ValidationError(
      `thumbnails: ${missed.map((t) => t.key).join(', ')} are not this image's thumbnail keys, so they would stay unblurred`,
    );
  }
  return { thumbnails: await storeThumbnails(s3, request, renditions), placeholder };
}
