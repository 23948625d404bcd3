/**
 * Test data for the functions' unit tests: stored Images items and a versioned S3 listing stub
 * that pages like ListObjectVersions. Imported by tests only.
 */
import {
  DeleteObjectsCommand,
  type DeleteObjectsCommandInput,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandInput,
  type ListObjectVersionsCommandOutput,
  type S3ClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-s3';
import type { AwsStub } from 'aws-sdk-client-mock';
import { statusAttributes } from '../../contracts/image-item.ts';
import { keys } from '../../contracts/names.ts';
import type { ImageStatus } from '../../generated/schema.ts';
import type { StoredThumbnail } from '../shared/image-item.ts';

const renditions = [
  ['SMALL', 'small', 150, 113],
  ['MEDIUM', 'medium', 300, 225],
  ['LARGE', 'large', 600, 450],
] as const;

/** A thumbnail revision (the real one is a hash of the rendition's bytes). */
export const aRevision = '0123456789abcdef';

/** The six thumbnails of a 4:3 image, as the thumbnails function reports them. */
export function sixThumbnails(owner: string, id: string): StoredThumbnail[] {
  return renditions.flatMap(([size, name, width, height]) => [
    {
      size,
      format: 'JPEG',
      width,
      height,
      contentType: 'image/jpeg',
      key: keys.thumbnail(owner, id, name, 'jpg', aRevision),
    },
    {
      size,
      format: 'WEBP',
      width,
      height,
      contentType: 'image/webp',
      key: keys.thumbnail(owner, id, name, 'webp', aRevision),
    },
  ]);
}

export function anAnalysis() {
  return {
    labels: [
      { name: 'Coffee Cup', confidence: 97.1, parents: ['Cup'] },
      { name: 'Cup', confidence: 97.1, parents: [] },
    ],
    faceCount: 1,
    faces: [{ boundingBox: { left: 0.41, top: 0.22, width: 0.12, height: 0.2 }, confidence: 99.5 }],
    moderationLabels: [],
    isSafe: true,
  };
}

/** An Images item in the given status, with the attributes that status carries (docs/contracts.md). */
export function aStoredImage(
  status: ImageStatus,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const owner = (overrides.owner as string | undefined) ?? '5f2c8a1e-0000-4000-8000-000000000001';
  const id = (overrides.id as string | undefined) ?? '01JDARKROOM0000000000000001';
  const createdAt = '2026-11-24T09:00:00.000Z';
  const base: Record<string, unknown> = {
    owner,
    id,
    fileName: 'coffee.png',
    contentType: 'image/png',
    size: 482_113,
    ...statusAttributes(owner, status, Date.parse(createdAt) / 1000),
    createdAt,
    updatedAt: '2026-11-24T09:00:01.000Z',
    thumbnails: [],
  };
  if (status === 'COMPLETED' || status === 'FLAGGED') {
    Object.assign(base, {
      width: 1024,
      height: 768,
      format: 'png',
      orientation: 1,
      etag: '"9b2cf535f27731c974343645a3985328"',
      bytes: 482_113,
      thumbnails: sixThumbnails(owner, id),
      analysis: anAnalysis(),
      processedAt: '2026-11-24T09:00:04.000Z',
    });
  }
  return { ...base, ...overrides };
}

export interface StoredVersion {
  key: string;
  versionId: string;
  deleteMarker?: boolean;
}

/**
 * Answers ListObjectVersions from `versions` (two entries per page, so pagination is exercised)
 * and records every DeleteObjects, in `log` as `s3:DeleteObjects` entries.
 */
export function stubVersionedBucket(
  s3: AwsStub<ServiceInputTypes, ServiceOutputTypes, S3ClientResolvedConfig>,
  versions: StoredVersion[],
  log: string[] = [],
): { deleted: Array<{ Key?: string; VersionId?: string }> } {
  const deleted: Array<{ Key?: string; VersionId?: string }> = [];
  const pageSize = 2;
  s3.on(ListObjectVersionsCommand).callsFake((input: ListObjectVersionsCommandInput) => {
    const matching = versions.filter((v) => v.key.startsWith(input.Prefix ?? ''));
    const start = input.KeyMarker
      ? matching.findIndex((v) => v.key === input.KeyMarker && v.versionId === input.VersionIdMarker) + 1
      : 0;
    const page = matching.slice(start, start + pageSize);
    const last = page.at(-1);
    const truncated = start + pageSize < matching.length;
    const output: Partial<ListObjectVersionsCommandOutput> = {
      // `versions` lists each key newest first, as S3 does: the first entry of a key is its latest.
      Versions: page
        .filter((v) => !v.deleteMarker)
        .map((v) => ({
          Key: v.key,
          VersionId: v.versionId,
          IsLatest: versions.find((other) => other.key === v.key) === v,
        })),
      DeleteMarkers: page.filter((v) => v.deleteMarker).map((v) => ({ Key: v.key, VersionId: v.versionId })),
      IsTruncated: truncated,
      ...(truncated && last ? { NextKeyMarker: last.key, NextVersionIdMarker: last.versionId } : {}),
    };
    return output;
  });
  s3.on(DeleteObjectsCommand).callsFake((input: DeleteObjectsCommandInput) => {
    log.push('s3:DeleteObjects');
    for (const object of input.Delete?.Objects ?? []) {
      deleted.push({ Key: object.Key, VersionId: object.VersionId });
      const index = versions.findIndex((v) => v.key === object.Key && v.versionId === object.VersionId);
      if (index >= 0) versions.splice(index, 1);
    }
    return {};
  });
  return { deleted };
}

/** Every version and delete marker an image's pipeline run leaves in the bucket. */
export function imageObjectVersions(owner: string, id: string): StoredVersion[] {
  return [
    { key: keys.original(owner, id), versionId: 'v-original-2' },
    { key: keys.original(owner, id), versionId: 'v-original-1' },
    { key: keys.original(owner, id), versionId: 'dm-original', deleteMarker: true },
    { key: keys.quarantinedOriginal(owner, id), versionId: 'v-quarantined' },
    ...sixThumbnails(owner, id).map((t) => ({ key: t.key, versionId: `v-${t.size}-${t.format}` })),
    { key: keys.thumbnail(owner, id, 'small', 'jpg', 'fedcba9876543210'), versionId: 'v-small-old' },
  ];
}
