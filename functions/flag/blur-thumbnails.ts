/**
 * flag's work for an unsafe image: blurred renditions under keys of their own, then nothing
 * unblurred left in any S3 version — the original moves to the quarantine prefix, every version
 * under uploads/ and every other thumbnail version are deleted — before anything is published.
 * Idempotent: a retry after the move reads the quarantined copy.
 *
 * Under a lease: the purge is what only the lease holder may do (a stale execution's flag, its
 * lease taken over after a redrive or a sweep, would delete the original a newer execution is
 * reading, or the renditions of an image since approved). So the step adds first (renditions, the
 * quarantine copy), then checks the lease, then purges; a stale step deletes exactly the versions it
 * added, moves nothing, and succeeds with nothing to save (save-result then refuses the stale
 * result under the same lease), as the thumbnails step and save-result leave an image they lost.
 */
import { CopyObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isThumbnailKey, keys } from '../../contracts/names.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import type { StoredThumbnail } from '../shared/image-item.ts';
import { imageLimits } from '../shared/image-limits.ts';
import type { LeaseHold } from '../shared/lease-check.ts';
import { purgePrefixExcept, purgePrefixes } from '../shared/purge-objects.ts';
import { readObject, type StoredObject } from '../shared/s3-objects.ts';
import { deleteWrittenVersions, type LeaseView, leaseVerdict } from '../thumbnails/discard-if-lease-lost.ts';
import type { Placeholder } from '../thumbnails/placeholder.ts';
import { renderImage } from '../thumbnails/renditions.ts';
import {
  type ImageLocation,
  storeThumbnailVersions,
  type WrittenVersion,
} from '../thumbnails/store-thumbnails.ts';

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
  /**
   * The execution's fencing token and how to ask whether it still holds the image
   * (functions/shared/lease-check.ts). Absent for a caller that holds no lease.
   */
  lease?: { token: string; check: () => Promise<LeaseHold> } | undefined;
}

export interface FlagResult {
  thumbnails: StoredThumbnail[];
  /** From the blurred rendition too: nothing unblurred is left to paint. */
  placeholder: Placeholder;
  /** Object versions deleted: the uploads, the unblurred renditions (a stale step: its own writes). */
  deletedVersions: number;
  /** The lease was lost: nothing was moved or purged, and `thumbnails` is empty. */
  leaseLost: boolean;
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
  const { thumbnails, placeholder, written } = request.blurred
    ? await keepBlurred(s3, request, request.blurred.placeholder)
    : await blurOriginal(s3, request);
  if (request.lease) {
    const hold = await request.lease.check();
    if (!hold.held) {
      const discard = staleWrites(hold.item as LeaseView | undefined, request.lease.token, written);
      await deleteWrittenVersions({ s3, bucket: request.bucket }, discard);
      return { thumbnails: [], placeholder, deletedVersions: discard.length, leaseLost: true };
    }
  }
  const deletedVersions = await purgePrefixes(s3, request.bucket, [
    keys.uploadPrefixOf(request.owner, request.id),
  ]);
  const unblurred = await purgePrefixExcept(
    s3,
    request.bucket,
    prefix,
    new Set(thumbnails.map((t) => t.key)),
  );
  return { thumbnails, placeholder, deletedVersions: deletedVersions + unblurred, leaseLost: false };
}

/**
 * What a stale step removes of its own writes: every quarantine copy it made (the image is another
 * execution's, or settled, or gone: its copy is never the one a moderator must see), and the blurred
 * renditions except those a COMPLETED or FLAGGED record lists (same bytes under the same key).
 */
function staleWrites(item: LeaseView | undefined, leaseToken: string, written: Written): WrittenVersion[] {
  const renditions = leaseVerdict(item, leaseToken, written.renditions).discard;
  return [...renditions, ...written.quarantine.filter((version) => version.versionId !== undefined)];
}

/** The versions this call added: blurred renditions and the original's quarantine copy. */
interface Written {
  renditions: WrittenVersion[];
  quarantine: WrittenVersion[];
}

interface BlurredRenditions {
  thumbnails: StoredThumbnail[];
  placeholder: Placeholder;
  written: Written;
}

/** Renders the blurred renditions from the pinned original, then quarantines it. */
async function blurOriginal(s3: S3Client, request: FlagRequest): Promise<BlurredRenditions> {
  const { original, quarantined } = await readPinnedOriginal(s3, request);
  const { renditions, placeholder } = await renderImage(original.bytes, { blur: true });
  const stored = await storeThumbnailVersions(s3, request, renditions);
  const quarantine = quarantined ? [] : [await quarantineOriginal(s3, request)];
  return {
    thumbnails: stored.map(({ thumbnail }) => thumbnail),
    placeholder,
    written: { renditions: stored.map(({ written }) => written), quarantine },
  };
}

/** A FLAGGED duplicate's copied renditions are blurred already: only the original is quarantined. */
async function keepBlurred(
  s3: S3Client,
  request: FlagRequest,
  placeholder: Placeholder,
): Promise<BlurredRenditions> {
  const copy = await quarantineUnlessMoved(s3, request);
  return {
    thumbnails: [...request.thumbnails],
    placeholder,
    written: { renditions: [], quarantine: copy ? [copy] : [] },
  };
}

/**
 * Quarantines the claimed version unless a run before this retry did: the copy precedes the purge
 * of uploads/, so a claimed version that is gone was copied already.
 */
async function quarantineUnlessMoved(
  s3: S3Client,
  request: FlagRequest,
): Promise<WrittenVersion | undefined> {
  try {
    return await quarantineOriginal(s3, request);
  } catch (error) {
    if (!(error instanceof Error && ['NoSuchKey', 'NoSuchVersion'].includes(error.name))) throw error;
    return undefined;
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
async function quarantineOriginal(s3: S3Client, request: FlagRequest): Promise<WrittenVersion> {
  const source = keys.original(request.owner, request.id);
  const key = keys.quarantinedOriginal(request.owner, request.id);
  const { VersionId } = await s3.send(
    new CopyObjectCommand({
      Bucket: request.bucket,
      Key: key,
      CopySource: `${request.bucket}/${source}?versionId=${encodeURIComponent(request.versionId)}`,
    }),
  );
  return VersionId === undefined ? { key } : { key, versionId: VersionId };
}
