/** Request bodies as S3 reads them: `aws-chunked` (streaming SigV4 / trailing checksums) decoded. */
import { S3Error } from './errors.ts';

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function isAwsChunked(headers: Headers): boolean {
  const sha = header(headers, 'x-amz-content-sha256') ?? '';
  const encoding = header(headers, 'content-encoding') ?? '';
  return sha.startsWith('STREAMING-') || encoding.split(',').some((part) => part.trim() === 'aws-chunked');
}

/**
 * Decodes `aws-chunked`: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0…\r\n[trailers]\r\n`.
 * Chunk signatures and trailing checksums are not verified (see LIMITATIONS).
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const chunks: Buffer[] = [];
  let position = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', position);
    if (lineEnd === -1) throw incomplete();
    const size = Number.parseInt(body.subarray(position, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) throw incomplete();
    if (size === 0) return Buffer.concat(chunks);
    const start = lineEnd + 2;
    if (start + size + 2 > body.length) throw incomplete();
    chunks.push(body.subarray(start, start + size));
    position = start + size + 2;
  }
}

function incomplete(): S3Error {
  return new S3Error('IncompleteBody', 'The request body terminated unexpectedly');
}

/** The object bytes of a PUT, and the content-encoding to store (without `aws-chunked`). */
export function objectPayload(headers: Headers, body: Buffer): { data: Buffer; contentEncoding?: string } {
  const encoding = header(headers, 'content-encoding');
  if (!isAwsChunked(headers)) return { data: body, contentEncoding: encoding };
  const remaining = (encoding ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part !== 'aws-chunked');
  const data = decodeAwsChunked(body);
  const declared = header(headers, 'x-amz-decoded-content-length');
  if (declared !== undefined && Number(declared) !== data.length) throw incomplete();
  return { data, contentEncoding: remaining.length > 0 ? remaining.join(',') : undefined };
}
