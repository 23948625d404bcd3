/**
 * Deletes every object under S3 prefixes for good: all versions and delete markers (the bucket is
 * versioned, so a plain DeleteObject would only hide the bytes behind a marker).
 */
import {
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';
import { keys } from '../../contracts/names.ts';
import { PurgeFailedError } from './errors.ts';

/** DeleteObjects takes at most 1000 keys per request. */
const deleteBatchSize = 1000;

/** Deletes every version and delete marker under each prefix; returns how many were deleted. */
export async function purgePrefixes(
  s3: S3Client,
  bucket: string,
  prefixes: readonly string[],
): Promise<number> {
  let deleted = 0;
  for (const prefix of prefixes) {
    deleted += await purgePrefix(s3, bucket, prefix);
  }
  return deleted;
}

/** Deletes every object of one image: its original's uploads, its quarantined original and its thumbnails, all versions. */
export async function purgeImageObjects(
  s3: S3Client,
  bucket: string,
  image: { owner: string; id: string },
): Promise<number> {
  return purgePrefixes(s3, bucket, [
    keys.uploadPrefixOf(image.owner, image.id),
    keys.quarantinePrefixOf(image.owner, image.id),
    keys.thumbnailPrefix(image.owner, image.id),
  ]);
}

/** Deletes every version of one image's thumbnails: a FAILED image owns none. */
export async function purgeThumbnails(
  s3: S3Client,
  bucket: string,
  image: { owner: string; id: string },
): Promise<number> {
  return purgePrefixes(s3, bucket, [keys.thumbnailPrefix(image.owner, image.id)]);
}

/**
 * Deletes every version and delete marker under `prefix` except the current versions of `keep`'s
 * keys, whose older versions go too: afterwards only those exact objects are left.
 */
export async function purgePrefixExcept(
  s3: S3Client,
  bucket: string,
  prefix: string,
  keep: ReadonlySet<string>,
): Promise<number> {
  return purgePrefix(s3, bucket, prefix, keep);
}

async function purgePrefix(
  s3: S3Client,
  bucket: string,
  prefix: string,
  keep: ReadonlySet<string> = new Set(),
): Promise<number> {
  // Collect first, delete after: deleting while paginating would shift the listing under us.
  const identifiers: ObjectIdentifier[] = [];
  // The SDK has no paginator for ListObjectVersions: it pages on two markers, key and version.
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
      }),
    );
    for (const version of page.Versions ?? []) {
      if (version.Key && !(version.IsLatest && keep.has(version.Key))) {
        identifiers.push({ Key: version.Key, VersionId: version.VersionId });
      }
    }
    for (const marker of page.DeleteMarkers ?? []) {
      if (marker.Key) identifiers.push({ Key: marker.Key, VersionId: marker.VersionId });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  for (let start = 0; start < identifiers.length; start += deleteBatchSize) {
    const batch = identifiers.slice(start, start + deleteBatchSize);
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }),
    );
    // DeleteObjects answers 200 even when some keys failed; the failures are only in Errors.
    if (result.Errors && result.Errors.length > 0) {
      const first = result.Errors[0];
      throw new PurgeFailedError(
        `could not delete ${result.Errors.length} object version(s) under ${prefix}: ${first?.Key} ${first?.Code} ${first?.Message}`,
      );
    }
  }
  return identifiers.length;
}
