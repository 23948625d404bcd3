/**
 * The IAM action and resource S3 authorises each operation by (Service Authorization Reference):
 * object actions on `arn:aws:s3:::bucket/key` (the Version variants when a versionId is named),
 * bucket actions on `arn:aws:s3:::bucket` with the `s3:prefix` condition key for listings.
 * DeleteObjects is authorised per key (deleteObjectAccess), as S3 reports each key's refusal.
 */
import type { AccessRequest } from '../../iam/local-iam.ts';

const bucketActions: Record<string, string> = {
  ListBuckets: 's3:ListAllMyBuckets',
  CreateBucket: 's3:CreateBucket',
  DeleteBucket: 's3:DeleteBucket',
  HeadBucket: 's3:ListBucket',
  GetBucketLocation: 's3:GetBucketLocation',
  GetBucketVersioning: 's3:GetBucketVersioning',
  PutBucketVersioning: 's3:PutBucketVersioning',
  GetBucketCors: 's3:GetBucketCORS',
  PutBucketCors: 's3:PutBucketCORS',
  DeleteBucketCors: 's3:PutBucketCORS',
};

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

/** What one deleted key of a DeleteObjects request needs. */
export function deleteObjectAccess(
  bucket: string,
  key: string,
  versionId: string | undefined,
): AccessRequest {
  return {
    action: versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion',
    resource: objectArn(bucket, key),
  };
}

/**
 * What CopyObject needs on its source, besides s3:PutObject on the target: S3 reads the source with
 * the caller's permissions (GetObjectVersion when the copy source names a version).
 */
export function copySourceAccess(source: { bucket: string; key: string; versionId?: string }): AccessRequest {
  return {
    action: source.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion',
    resource: objectArn(source.bucket, source.key),
  };
}

/** The access one request needs; undefined for DeleteObjects (checked per key). */
export function s3Access(
  operation: string,
  bucket: string | undefined,
  key: string | undefined,
  query: URLSearchParams,
): AccessRequest | undefined {
  if (operation === 'ListBuckets') return { action: 's3:ListAllMyBuckets', resource: '*' };
  if (operation === 'DeleteObjects' || bucket === undefined) return undefined;
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const versioned = query.has('versionId');
  const prefix = query.get('prefix');
  const listing = (action: string): AccessRequest => ({
    action,
    resource: bucketArn,
    ...(prefix === null ? {} : { context: { 's3:prefix': prefix } }),
  });
  switch (operation) {
    case 'ListObjects':
    case 'ListObjectsV2':
      return listing('s3:ListBucket');
    case 'ListObjectVersions':
      return listing('s3:ListBucketVersions');
    case 'GetObject':
    case 'HeadObject':
      return {
        action: versioned ? 's3:GetObjectVersion' : 's3:GetObject',
        resource: objectArn(bucket, key ?? ''),
      };
    case 'DeleteObject':
      return deleteObjectAccess(bucket, key ?? '', query.get('versionId') ?? undefined);
    case 'PutObject':
    case 'CopyObject':
    case 'PostObject':
      return { action: 's3:PutObject', resource: objectArn(bucket, key ?? '') };
    default: {
      const action = bucketActions[operation];
      if (action) return { action, resource: bucketArn };
      // Anything else on a key writes it (multipart parts, …); on the bucket, reads its listing.
      return key === undefined
        ? listing('s3:ListBucket')
        : { action: 's3:PutObject', resource: objectArn(bucket, key) };
    }
  }
}
