/** Writes renditions to their thumbnail keys and describes them as the pipeline records them. */
import type { S3Client } from '@aws-sdk/client-s3';
import { keys } from '../../contracts/names.ts';
import type { StoredThumbnail } from '../shared/image-item.ts';
import { writeObject } from '../shared/s3-objects.ts';
import type { Rendition } from './renditions.ts';

/**
 * Private: the bytes are one user's, fetched through presigned URLs. Not immutable: flag rewrites
 * the same keys with blurred renditions, so caches may keep a copy for a day at most.
 */
export const thumbnailCacheControl = 'private, max-age=86400';

export interface ImageLocation {
  bucket: string;
  owner: string;
  id: string;
}

export function thumbnailKey(
  location: ImageLocation,
  rendition: Pick<Rendition, 'sizeName' | 'extension'>,
): string {
  return keys.thumbnail(location.owner, location.id, rendition.sizeName, rendition.extension);
}

export async function storeThumbnails(
  s3: S3Client,
  location: ImageLocation,
  renditions: readonly Rendition[],
): Promise<StoredThumbnail[]> {
  return Promise.all(
    renditions.map(async (rendition) => {
      const key = thumbnailKey(location, rendition);
      await writeObject(s3, {
        bucket: location.bucket,
        key,
        body: rendition.body,
        contentType: rendition.contentType,
        cacheControl: thumbnailCacheControl,
      });
      return {
        size: rendition.size,
        format: rendition.format,
        width: rendition.width,
        height: rendition.height,
        contentType: rendition.contentType,
        key,
      };
    }),
  );
}
