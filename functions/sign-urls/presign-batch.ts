/**
 * Presigned S3 GETs for many keys of one bucket for about the CPU of one. getSignedUrl runs the
 * client's whole middleware stack per key (endpoint rules, serialisation, a promise chain that
 * X-Ray's async hooks track): ~0.4 ms of CPU a URL, 300 of them for one listImages page. Here it
 * makes the first URL; every other key's GET is that same request with another path, signed by
 * the presigner getSignedUrl itself uses (~0.05 ms). Keys that would need escaping in a path take
 * getSignedUrl's road, so every URL is the one getSignedUrl would have made.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl, S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import type { HttpRequest } from '@smithy/types';

/** Characters a path segment keeps as they are (RFC 3986 unreserved) and the separator. */
const pathSafeKey = /^[A-Za-z0-9._~/-]+$/;

/** What the presigner adds: removed from the template so that each key's signing adds its own. */
const signatureParameters = new Set([
  'X-Amz-Algorithm',
  'X-Amz-Content-Sha256',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
]);

export interface PresignOptions {
  expiresIn: number;
  signingDate: Date;
}

/** One presigned GET per key, in order. */
export async function presignGets(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  options: PresignOptions,
): Promise<string[]> {
  const viaClient = (key: string) =>
    getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), options);
  const [first, ...rest] = keys;
  if (first === undefined) return [];
  const firstUrl = await viaClient(first);
  const template = requestTemplate(firstUrl, first);
  if (!template) return [firstUrl, ...(await Promise.all(rest.map(viaClient)))];
  const presigner = new S3RequestPresigner({ ...s3.config });
  const others = await Promise.all(
    rest.map(async (key) => {
      if (!pathSafeKey.test(key)) return viaClient(key);
      const signed = await presigner.presign(
        {
          ...template.request,
          path: `${template.pathPrefix}${key}`,
          query: { ...template.request.query },
          headers: { ...template.request.headers },
        },
        options,
      );
      return `${template.origin}${signed.path}?${queryString(signed.query)}`;
    }),
  );
  return [firstUrl, ...others];
}

interface Template {
  origin: string;
  /** The path before the key (`/bucket/` path-style, `/` on a bucket's own host). */
  pathPrefix: string;
  request: HttpRequest;
}

/** The unsigned GET behind a presigned URL of `key`, or undefined if its path is not `…/key`. */
function requestTemplate(presignedUrl: string, key: string): Template | undefined {
  if (!pathSafeKey.test(key)) return undefined;
  const url = new URL(presignedUrl);
  if (!url.pathname.endsWith(`/${key}`)) return undefined;
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (!signatureParameters.has(name)) query[name] = value;
  }
  return {
    origin: url.origin,
    pathPrefix: url.pathname.slice(0, url.pathname.length - key.length),
    request: {
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers: { host: url.host },
    },
  };
}

/** The query as the SDK writes a URL's: names sorted, names and values escaped. */
function queryString(query: HttpRequest['query'] = {}): string {
  return Object.keys(query)
    .sort()
    .flatMap((name) => {
      const value = query[name];
      const values = Array.isArray(value) ? value : [value];
      return values.map((v) =>
        v === null || v === undefined ? escapeUri(name) : `${escapeUri(name)}=${escapeUri(v)}`,
      );
    })
    .join('&');
}

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
