/** thumbnails' work: read the original once, render the six thumbnails and the placeholder, write them. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { StoredThumbnail } from '../shared/image-item.ts';
import { imageLimits } from '../shared/image-limits.ts';
import { readObject } from '../shared/s3-objects.ts';
import type { Placeholder } from './placeholder.ts';
import { renderImage } from './renditions.ts';
import { type ImageLocation, storeThumbnailVersions, type WrittenVersion } from './store-thumbnails.ts';

export interface ThumbnailsRequest extends ImageLocation {
  /** The original's key. */
  key: string;
  /** The original's version that claimed the item (never "the latest"). */
  versionId: string;
}

export interface MadeThumbnails {
  thumbnails: StoredThumbnail[];
  placeholder: Placeholder;
  /** The object versions written, for the lease check (not part of the step's output). */
  written: WrittenVersion[];
}

export async function makeThumbnails(s3: S3Client, request: ThumbnailsRequest): Promise<MadeThumbnails> {
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
    written: stored.map(({ written }) => written),
  };
}
