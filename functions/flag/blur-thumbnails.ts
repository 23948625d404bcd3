/**
 * flag's work for an unsafe image: blurred renditions under keys of their own, then nothing
 * unblurred left in any S3 version — the original moves to the quarantine prefix, every version
 * under uploads/ and every other thumbnail version are deleted — before anything is published.
 * Idempotent: a retry after the move reads the quarantined copy.
 */
import { CopyObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isThumbnailKey, keys } from '../../contracts/names.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import type { StoredThumbnail } from '../shared/image-item.ts';
import { imageLimits } from '../shared/image-limits.ts';
import { purgePrefixExcept, purgePrefixes } from '../shared/purge-objects.ts';
import { readObject, type StoredObject } from '../shared/s3-objects.ts';
import type { Placeholder } from '../thumbnails/placeholder.ts';
import { renderImage } from '../thumbnails/renditions.ts';
import { type ImageLocation, storeThumbnails } from '../thumbnails/store-thumbnails.ts';

export interface FlagRequest extends ImageLocation {
  /** The original's version that claimed the item. */
  versionId: string;
  /** The thumbnails the thumbnails step wrote: none of them may survive (unless already blurred). */
  thumbnails: readonly StoredThumbnail[];
  /**
   * The thumbnails step copied a FLAGGED duplicate's renditions, blurred already, with their
   * placeholder: they are kept as they are and nothing is rendered again.
   */
  blurred?: { placeholder: Placeholder } | undefined;
}

export interface FlagResult {
  thumbnails: StoredThumbnail[];
  /** From the blurred rendition too: nothing unblurred is left to paint. */
  placeholder: Placeholder;
  /** Object versions deleted: the uploads, the unblurred renditions. */
  deletedVersions: number;
}

export async function blurThumbnails(s3: S3Client, request: FlagRequest): Promise<FlagResult> {
  // Refuse before writing anything if a given thumbnail is not this image's: it would stay unblurred.
  const prefix = keys.thumbnailPrefix(request.owner, request.id);
  const strays = request.thumbnails.filter((t) => !t.key.startsWith(prefix) || !isThumbnailKey(t.key));
  if (strays.length > 0) {
    throw new ValidationError(
      `thumbnails: ${strays.map((t) => t.key).join(', ')} are not this image's thumbnail keys, so they would stay unblurred`,
    );
  }
  const { thumbnails, placeholder } = request.blurred
    ? await keepBlurred(s3, request, request.blurred.placeholder)
    : await blurOriginal(s3, request);
  const deletedVersions = await purgePrefixes(s3, request.bucket, [
    keys.uploadPrefixOf(request.owner, request.id),
  ]);
  const unblurred = await purgePrefixExcept(
    s3,
    request.bucket,
    prefix,
    new Set(thumbnails.map((t) => t.key)),
  );
  return { thumbnails, placeholder, deletedVersions: deletedVersions + unblurred };
}

interface BlurredRenditions {
  thumbnails: StoredThumbnail[];
  placeholder: Placeholder;
}

/** Renders the blurred renditions from the pinned original, then quarantines it. */
async function blurOriginal(s3: S3Client, request: FlagRequest): Promise<BlurredRenditions> {
  const { original, quarantined } = await readPinnedOriginal(s3, request);
  const { renditions, placeholder } = await renderImage(original.bytes, { blur: true });
  const thumbnails = await storeThumbnails(s3, request, renditions);
  if (!quarantined) await quarantineOriginal(s3, request);
  return { thumbnails, placeholder };
}

/** A FLAGGED duplicate's copied renditions are blurred already: only the original is quarantined. */
async function keepBlurred(
  s3: S3Client,
  request: FlagRequest,
  placeholder: Placeholder,
): Promise<BlurredRenditions> {
  await quarantineUnlessMoved(s3, request);
  return { thumbnails: [...request.thumbnails], placeholder };
}

/**
 * Quarantines the claimed version unless a run before this retry did: the copy precedes the purge
 * of uploads/, so a claimed version that is gone was copied already.
 */
async function quarantineUnlessMoved(s3: S3Client, request: FlagRequest): Promise<void> {
  try {
    await quarantineOriginal(s3, request);
  } catch (error) {
    if (!(error instanceof Error && ['NoSuchKey', 'NoSuchVersion'].includes(error.name))) throw error;
  }
}

/** The claimed version under uploads/, or — on a retry after the move — the quarantined copy. */
async function readPinnedOriginal(
  s3: S3Client,
  request: FlagRequest,
): Promise<{ original: StoredObject; quarantined: boolean }> {
  try {
    const original = await readObject(s3, {
      bucket: request.bucket,
      key: keys.original(request.owner, request.id),
      versionId: request.versionId,
      maxBytes: imageLimits.maxBytes,
    });
    return { original, quarantined: false };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const original = await readObject(s3, {
      bucket: request.bucket,
      key: keys.quarantinedOriginal(request.owner, request.id),
      maxBytes: imageLimits.maxBytes,
    });
    return { original, quarantined: true };
  }
}

/** A server-side copy of exactly the claimed version; quarantine/ starts no pipeline (the rule watches uploads/). */
async function quarantineOriginal(s3: S3Client, request: FlagRequest): Promise<void> {
  const source = keys.original(request.owner, request.id);
  await s3.send(
    new CopyObjectCommand({
      Bucket: request.bucket,
      Key: keys.quarantinedOriginal(request.owner, request.id),
      CopySource: `${request.bucket}/${source}?versionId=${encodeURIComponent(request.versionId)}`,
    }),
  );
}
