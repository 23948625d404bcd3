/**
 * thumbnails' work: read the original once, render the six thumbnails and the placeholder, write
 * them — or, for a duplicate, copy the renditions and placeholder of the image it duplicates.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ReusableImage } from '../shared/duplicates.ts';
import type { StoredThumbnail } from '../shared/image-item.ts';
import { imageLimits } from '../shared/image-limits.ts';
import { readObject } from '../shared/s3-objects.ts';
import { copyThumbnails } from './copy-thumbnails.ts';
import type { Placeholder } from './placeholder.ts';
import { renderImage } from './renditions.ts';
import { type ImageLocation, storeThumbnailVersions, type WrittenVersion } from './store-thumbnails.ts';

export interface ThumbnailsRequest extends ImageLocation {
  /** The original's key. */
  key: string;
  /** The original's version that claimed the item (never "the latest"). */
  versionId: string;
}

export interface ThumbnailsResult {
  thumbnails: StoredThumbnail[];
  placeholder: Placeholder;
  /** True when these are a FLAGGED image's (blurred) renditions: flag need not blur them again. */
  blurred: boolean;
  /** The image whose renditions were copied, when they were. */
  reusedFrom?: string;
  /** The object versions written, for the lease check (not part of the step's output). */
  written: WrittenVersion[];
}

export async function makeThumbnails(s3: S3Client, request: ThumbnailsRequest): Promise<ThumbnailsResult> {
  const original = await readObject(s3, {
    bucket: request.bucket,
    key: request.key,
    versionId: request.versionId,
    maxBytes: imageLimits.maxBytes,
  });
  const { renditions, placeholder } = await renderImage(original.bytes);
  const stored = await storeThumbnailVersions(s3, request, renditions);
  return {
    thumbnails: stored.map(({ thumbnail }) => thumbnail),
    placeholder,
    blurred: false,
    written: stored.map(({ written }) => written),
  };
}

/**
 * The duplicate's renditions copied from `source`; when `source` is gone or a copy finds no object
 * (the first image was deleted meanwhile), the original is rendered as for any image.
 */
export async function reuseOrMakeThumbnails(
  s3: S3Client,
  request: ThumbnailsRequest,
  source: ReusableImage | null,
): Promise<ThumbnailsResult> {
  if (!source) return makeThumbnails(s3, request);
  try {
    const copied = await copyThumbnails(s3, request, source);
    return {
      thumbnails: copied.map(({ thumbnail }) => thumbnail),
      placeholder: source.placeholder,
      blurred: source.status === 'FLAGGED',
      reusedFrom: source.id,
      written: copied.map(({ written }) => written),
    };
  } catch (error) {
    // S3 answers a CopyObject whose source is gone with NoSuchKey.
    if (!(error instanceof Error && error.name === 'NoSuchKey')) throw error;
    return makeThumbnails(s3, request);
  }
}
