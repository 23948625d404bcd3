/** Reads an S3 object whole into memory, and writes one, for the functions that work on image bytes. */
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ImageTooLargeError, NotFoundError } from './errors.ts';

export interface StoredObject {
  bytes: Buffer;
  /** S3's ETag without its surrounding quotes. */
  etag: string;
}

export interface ReadObjectInput {
  bucket: string;
  key: string;
  /** Refuse (ImageTooLarge) before downloading anything larger. */
  maxBytes?: number;
  /** Only these bytes, as an HTTP Range (`bytes=0-1023`). */
  range?: string;
  /**
   * Exactly this version. The pipeline always passes the one its event carries: an upload ticket
   * stays valid for minutes, so the latest version may be bytes that were never inspected.
   */
  versionId?: string;
}

/** S3's names for a missing key or version (HEAD answers a bare NotFound). */
const missingObjectErrors = new Set(['NoSuchKey', 'NoSuchVersion', 'NotFound']);

/** The object's bytes and ETag; NotFound when there is no such key. */
export async function readObject(s3: S3Client, input: ReadObjectInput): Promise<StoredObject> {
  let output: GetObjectCommandOutput;
  try {
    output = await s3.send(
      new GetObjectCommand({
        Bucket: input.bucket,
        Key: input.key,
        Range: input.range,
        VersionId: input.versionId,
      }),
    );
  } catch (error) {
    if (error instanceof Error && missingObjectErrors.has(error.name)) {
      const version = input.versionId === undefined ? '' : ` version ${input.versionId}`;
      throw new NotFoundError(`no object s3://${input.bucket}/${input.key}${version}`, { cause: error });
    }
    throw error;
  }
  const { Body, ContentLength, ETag } = output;
  if (!Body) throw new NotFoundError(`s3://${input.bucket}/${input.key} has no body`);
  if (input.maxBytes !== undefined && ContentLength !== undefined && ContentLength > input.maxBytes) {
    // Leave the stream unread: its bytes would only be thrown away.
    (Body as { destroy?: () => void }).destroy?.();
    throw new ImageTooLargeError(`the file is ${ContentLength} bytes; the limit is ${input.maxBytes} bytes`);
  }
  const array = await Body.transformToByteArray();
  return {
    bytes: Buffer.from(array.buffer, array.byteOffset, array.byteLength),
    etag: (ETag ?? '').replace(/^"|"$/g, ''),
  };
}

export interface WriteObjectInput {
  bucket: string;
  key: string;
  body: Buffer;
  contentType: string;
  cacheControl?: string;
}

/** Resolves to the version S3 stored (the bucket is versioned), so a writer can remove exactly its own write. */
export async function writeObject(s3: S3Client, input: WriteObjectInput): Promise<{ versionId?: string }> {
  const output = await s3.send(
    new PutObjectCommand({
      Bucket: input.bucket,
      Key: input.key,
      Body: input.body,
      ContentType: input.contentType,
      CacheControl: input.cacheControl,
    }),
  );
  return output.VersionId === undefined ? {} : { versionId: output.VersionId };
}
