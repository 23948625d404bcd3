/** The HTTP side of S3 objects: stored headers, conditions, ranges, digests, copy sources. */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { crc32 } from 'node:zlib';
import { S3Error, s3Errors } from './errors.ts';

export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function httpDate(time: string): string {
  return new Date(time).toUTCString();
}

/** Headers kept with an object and sent back on GET/HEAD. */
export const storedHeaderNames = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'expires',
];
/** Query parameters of a (presigned) GET that override response headers. */
export const responseOverrides: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-disposition': 'content-disposition',
  'response-cache-control': 'cache-control',
  'response-content-encoding': 'content-encoding',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
};
export function storedHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const stored: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (name.startsWith('x-amz-meta-') || storedHeaderNames.includes(name)) {
      stored[name] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  return stored;
}

/** S3's bound on a key: 1,024 bytes of its UTF-8 encoding. */
const maxKeyBytes = 1024;
/** S3's bound on user metadata: the UTF-8 bytes of every name (after `x-amz-meta-`) and value. */
const maxUserMetadataBytes = 2 * 1024;

/**
 * The limits S3 holds every write to (PUT, copy, POST): a longer key or more metadata is refused
 * before anything is stored, with S3's code, so what works locally also works in the cloud.
 */
export function checkWriteLimits(key: string, stored: Record<string, string>): void {
  const keyBytes = Buffer.byteLength(key, 'utf8');
  if (keyBytes > maxKeyBytes) {
    throw new S3Error('KeyTooLongError', 'Your key is too long', 400, {
      Size: keyBytes,
      MaxSizeAllowed: maxKeyBytes,
    });
  }
  let metadataBytes = 0;
  for (const [name, value] of Object.entries(stored)) {
    if (!name.startsWith('x-amz-meta-')) continue;
    metadataBytes +=
      Buffer.byteLength(name.slice('x-amz-meta-'.length), 'utf8') + Buffer.byteLength(value, 'utf8');
  }
  if (metadataBytes > maxUserMetadataBytes) {
    throw new S3Error(
      'MetadataTooLarge',
      'Your metadata headers exceed the maximum allowed metadata size.',
      400,
      {
        Size: metadataBytes,
        MaxSizeAllowed: maxUserMetadataBytes,
      },
    );
  }
}

/** The storage classes S3 names; any other value is refused, not silently stored as STANDARD. */
const storageClasses: ReadonlySet<string> = new Set([
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
]);

/** A PUT's or copy's `x-amz-storage-class`, refused as S3 does when it names no storage class. */
export function checkStorageClass(req: IncomingMessage): void {
  const storageClass = headerOf(req, 'x-amz-storage-class');
  if (storageClass !== undefined && !storageClasses.has(storageClass)) {
    throw new S3Error('InvalidStorageClass', 'The storage class you specified is not valid', 400, {
      StorageClassRequested: storageClass,
    });
  }
}

export function etagMatches(condition: string, etag: string): boolean {
  return condition
    .split(',')
    .map((part) => part.trim())
    .some((part) => part === '*' || part === etag || `"${part}"` === etag);
}

export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined; // absent, or several ranges: S3 sends the whole object
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return undefined;
  return { start, end };
}

export function parseCopySource(header: string): { bucket: string; key: string; versionId?: string } {
  const [pathPart = '', query = ''] = header.split('?', 2);
  const decoded = decodeURIComponent(pathPart.replace(/^\//, ''));
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw s3Errors.invalidArgument(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      'x-amz-copy-source',
      header,
    );
  }
  const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
  return {
    bucket: decoded.slice(0, slash),
    key: decoded.slice(slash + 1),
    ...(versionId ? { versionId } : {}),
  };
}

/**
 * A Content-MD5 header (PUT) or form field (POST) checked as S3 checks it: the value must be the
 * base64 of a 16-byte digest (RFC 1864) or S3 answers InvalidDigest before comparing anything; a
 * well-formed digest of other bytes is BadDigest.
 */
export function checkContentMd5(contentMd5: string | undefined, data: Buffer): void {
  if (contentMd5 === undefined) return;
  const digest = Buffer.from(contentMd5, 'base64');
  // Buffer's decoder skips what is not base64, so only a value that re-encodes to itself is base64.
  if (digest.length !== 16 || digest.toString('base64') !== contentMd5) {
    throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400, {
      'Content-MD5': contentMd5,
    });
  }
  if (!createHash('md5').update(data).digest().equals(digest)) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
}

/** Content-MD5 and the SDK's default CRC32 checksum, as S3 checks them. */
export function checkDigests(req: IncomingMessage, data: Buffer): void {
  checkContentMd5(headerOf(req, 'content-md5'), data);
  const crc = headerOf(req, 'x-amz-checksum-crc32');
  if (crc !== undefined) {
    const computed = Buffer.alloc(4);
    computed.writeUInt32BE(crc32(data));
    if (computed.toString('base64') !== crc) {
      throw new S3Error('BadDigest', 'The CRC32 you specified did not match the calculated checksum.');
    }
  }
}
