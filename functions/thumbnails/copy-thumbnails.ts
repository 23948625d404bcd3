/**
 * A duplicate's renditions: server-side copies of the renditions of the image it duplicates, under
 * its own thumbnail prefix. Copies, not shared keys: every image owns every object under its prefix
 * (delete, flag and mark-failed purge by prefix), so deleting the first image leaves them valid.
 */
import { CopyObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isThumbnailKey, keys } from '../../contracts/names.ts';
import { ValidationError } from '../shared/errors.ts';
import type { StoredThumbnail } from '../shared/image-item.ts';
import { type ImageLocation, thumbnailCacheControl, type WrittenVersion } from './store-thumbnails.ts';

/**
 * `source`'s renditions copied under `location`'s prefix, the same file names (revision = same bytes),
 * each with the version the copy wrote (for the lease check, as for rendered ones).
 */
export async function copyThumbnails(
  s3: S3Client,
  location: ImageLocation,
  source: { owner: string; id: string; thumbnails: readonly StoredThumbnail[] },
): Promise<Array<{ thumbnail: StoredThumbnail; written: WrittenVersion }>> {
  const sourcePrefix = keys.thumbnailPrefix(source.owner, source.id);
  // Never copy anything but the same owner's renditions: the prefix names owner and image.
  if (source.owner !== location.owner) {
    throw new ValidationError('a duplicate reuses only its own owner’s renditions');
  }
  const targetPrefix = keys.thumbnailPrefix(location.owner, location.id);
  return Promise.all(
    source.thumbnails.map(async (thumbnail) => {
      if (!thumbnail.key.startsWith(sourcePrefix) || !isThumbnailKey(thumbnail.key)) {
        throw new ValidationError(`${thumbnail.key} is not a thumbnail key of image ${source.id}`);
      }
      const key = targetPrefix + thumbnail.key.slice(sourcePrefix.length);
      const { VersionId } = await s3.send(
        new CopyObjectCommand({
          Bucket: location.bucket,
          Key: key,
          CopySource: `${location.bucket}/${thumbnail.key}`,
          // The copy keeps the source's Content-Type; the cache policy is set again, not inherited.
          MetadataDirective: 'REPLACE',
          ContentType: thumbnail.contentType,
          CacheControl: thumbnailCacheControl,
        }),
      );
      return { thumbnail: { ...thumbnail, key }, written: { key, versionId: VersionId } };
    }),
  );
}
