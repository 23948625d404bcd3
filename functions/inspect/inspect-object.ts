/** inspect's work: read the original once and return what the pipeline records about it. */
import type { S3Client } from '@aws-sdk/client-s3';
import { imageLimits } from '../shared/image-limits.ts';
import { readObject } from '../shared/s3-objects.ts';
import { type ImageFacts, inspectImage } from './inspect-image.ts';

export interface Inspection extends ImageFacts {
  /** The object's actual size. */
  bytes: number;
  etag: string;
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
  return { ...facts, bytes: original.bytes.length, etag: original.etag };
}
