/**
 * The upload ticket of `requestUpload`: a presigned POST for the image's original that S3 only
 * accepts with the declared content type, at most the declared size, before it expires.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { keys, limits } from '../../contracts/names.ts';

export interface UploadRequest {
  owner: string;
  id: string;
  contentType: string;
  size: number;
}

export interface UploadTicket {
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

export interface PresignOptions {
  bucket: string;
  now: () => Date;
  expiresInSeconds?: number;
}

export async function presignUpload(
  s3: S3Client,
  options: PresignOptions,
  request: UploadRequest,
): Promise<UploadTicket> {
  const expiresInSeconds = options.expiresInSeconds ?? limits.uploadTicketSeconds;
  const issuedAt = options.now();
  const { url, fields } = await createPresignedPost(s3, {
    Bucket: options.bucket,
    // The library adds the exact-match `{key}` and `{bucket}` conditions itself.
    Key: keys.original(request.owner, request.id),
    Conditions: [
      // The declared size is the upper bound, so a client cannot swap in a bigger file.
      ['content-length-range', 1, request.size],
      ['eq', '$Content-Type', request.contentType],
    ],
    Fields: { 'Content-Type': request.contentType },
    Expires: expiresInSeconds,
  });
  return {
    url,
    fields,
    expiresAt: new Date(issuedAt.getTime() + expiresInSeconds * 1000).toISOString(),
  };
}
