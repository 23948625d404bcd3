/** An S3 stand-in for the image functions' tests: aws-sdk-client-mock serving objects from a map and keeping what is put. */
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

export interface PutObject {
  key: string;
  body: Buffer;
  contentType: string | undefined;
  cacheControl: string | undefined;
}

/** GetObject's answer for `bytes`, as the SDK gives it (ETag quoted). */
export function getObjectOutput(bytes: Buffer, etag: string): Partial<GetObjectCommandOutput> {
  // The SDK's stream mixin, reduced to the one method the code reads bodies with.
  const body = { transformToByteArray: async () => new Uint8Array(bytes) };
  return { Body: body as unknown as GetObjectCommandOutput['Body'], ContentLength: bytes.length, ETag: etag };
}

/** The version id the stub gives each object of `objects`: the latest version of its key. */
export const stubVersionId = 'v-latest';

/**
 * `objects` are the latest versions (id `stubVersionId`); `versions` adds older ones by key and
 * version id, so a test can tell a pinned read from a read of the latest.
 */
export function s3Stub(
  objects: Record<string, Buffer>,
  versions: Record<string, Record<string, Buffer>> = {},
) {
  const client = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const mock = mockClient(client);
  const puts: PutObject[] = [];
  mock.on(GetObjectCommand).callsFake((input: { Key?: string; VersionId?: string }) => {
    const key = input.Key ?? '';
    const latest = objects[key];
    if (input.VersionId !== undefined) {
      const version = input.VersionId === stubVersionId ? latest : versions[key]?.[input.VersionId];
      if (!version) {
        throw Object.assign(new Error('The specified version does not exist.'), { name: 'NoSuchVersion' });
      }
      return getObjectOutput(version, '"etag-of-original"');
    }
    const bytes = latest;
    if (!bytes) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    return getObjectOutput(bytes, '"etag-of-original"');
  });
  mock
    .on(PutObjectCommand)
    .callsFake((input: { Key?: string; Body?: unknown; ContentType?: string; CacheControl?: string }) => {
      puts.push({
        key: input.Key ?? '',
        body: input.Body as Buffer,
        contentType: input.ContentType,
        cacheControl: input.CacheControl,
      });
      // A versioned bucket: each write gets a version of its own.
      return { ETag: '"put"', VersionId: `v-put-${puts.length}` };
    });
  return { client, mock, puts };
}
