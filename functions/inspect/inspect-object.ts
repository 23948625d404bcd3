/** inspect's work: read the original once and return what the pipeline records about it. */
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { StoredPhotoMetadata } from '../shared/image-item.ts';
import { imageLimits } from '../shared/image-limits.ts';
import { readObject } from '../shared/s3-objects.ts';
import { type ImageFacts, inspectImage } from './inspect-image.ts';
import { readMetadata } from './read-metadata.ts';

export interface Inspection extends ImageFacts {
  /** The object's actual size. */
  bytes: number;
  etag: string;
  /** EXIF facts, GPS included when present (save-result keeps it only if the owner asked). */
  metadata: StoredPhotoMetadata | null;
  /** Hex SHA-256 of the original: S3's default checksum is CRC64NVME, useless for finding duplicates. */
  sha256: string;
}

export async function inspectObject(
  s3: S3Client,
  location: { bucket: string; key: string; versionId: string },
): Promise<Inspection> {
  const original = await readObject(s3, {
    bucket: location.bucket,
    key: location.key,
    versionId: location.versionId,
    maxBytes: imageLimits.maxBytes,
  });
  const facts = await inspectImage(original.bytes);
  const metadata = await readMetadata(original.bytes);
  const sha256 = createHash('sha256').update(original.bytes).digest('hex');
  return { ...facts, bytes: original.bytes.length, etag: original.etag, metadata, sha256 };
}
