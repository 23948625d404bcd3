/** Writes renditions to their thumbnail keys and describes them as the pipeline records them. */
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { keys, thumbnailRevisionLength } from '../../contracts/names.ts';
import type { StoredThumbnail } from '../shared/image-item.ts';
import { writeObject } from '../shared/s3-objects.ts';
import type { Rendition } from './renditions.ts';

/**
 * Private: the bytes are one user's, fetched through presigned URLs. Immutable: a key names one
 * rendition's bytes (its revision is their hash), so a blurred rendition gets a key of its own.
 */
export const thumbnailCacheControl = 'private, max-age=31536000, immutable';

export interface ImageLocation {
  bucket: string;
  owner: string;
  id: string;
}

/** The rendition's revision: the start of its bytes' SHA-256, hex. */
export function thumbnailRevision(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, thumbnailRevisionLength);
}

export function thumbnailKey(
  location: ImageLocation,
  rendition: Pick<Rendition, 'sizeName' | 'extension' | 'body'>,
): string {
  return keys.thumbnail(
    location.owner,
    location.id,
    rendition.sizeName,
    rendition.extension,
    thumbnailRevision(rendition.body),
  );
}

/** One object version this call wrote: exactly what it may remove again. */
export interface WrittenVersion {
  key: string;
  versionId?: string;
}

export async function storeThumbnails(
  s3: S3Client,
  location: ImageLocation,
  renditions: readonly Rendition[],
): Promise<StoredThumbnail[]> {
  return (await storeThumbnailVersions(s3, location, renditions)).map(({ thumbnail }) => thumbnail);
}

/** As storeThumbnails, with the version S3 stored for each. */
export async function storeThumbnailVersions(
  s3: S3Client,
  location: ImageLocation,
  renditions: readonly Rendition[],
): Promise<Array<{ thumbnail: StoredThumbnail; written: WrittenVersion }>> {
  return Promise.all(
    renditions.map(async (rendition) => {
      const key = thumbnailKey(location, rendition);
      const { versionId } = await writeObject(s3, {
        bucket: location.bucket,
        key,
        body: rendition.body,
        contentType: rendition.contentType,
        cacheControl: thumbnailCacheControl,
      });
      const thumbnail: StoredThumbnail = {
        size: rendition.size,
        format: rendition.format,
        width: rendition.width,
        height: rendition.height,
        contentType: rendition.contentType,
        key,
      };
      return { thumbnail, written: versionId === undefined ? { key } : { key, versionId } };
    }),
  );
}
