/**
 * Presigned S3 GETs for many keys of one bucket for about the CPU of one. getSignedUrl runs the
 * client's whole middleware stack per key (endpoint rules, serialisation, a promise chain that
 * X-Ray's async hooks track): ~0.4 ms of CPU a URL, 300 of them for one listImages page; even
 * SignatureV4.presign alone clones the request, re-resolves credentials and hex-encodes in JS
 * (~0.05 ms). Here getSignedUrl makes the first URL, and every other key's URL is that same GET
 * with another path: the same query (credential scope, date, expiry, token), so only the
 * canonical request's hash and the final HMAC differ per key. The signing key comes from the
 * SDK's own getSigningKey (cached per credentials and day), and the first URL is re-signed this
 * way and compared with getSignedUrl's before any other key is: if they differ (a client that
 * signs more than `host`, rotated credentials), every key takes getSignedUrl's road, so every URL
 * is the one getSignedUrl would have made. Keys that would need escaping in a path do too.
 */
import { createHmac, createSecretKey, hash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  ALGORITHM_IDENTIFIER,
  AMZ_DATE_QUERY_PARAM,
  CREDENTIAL_QUERY_PARAM,
  getCanonicalQuery,
  getSigningKey,
  SIGNATURE_QUERY_PARAM,
  SIGNED_HEADERS_QUERY_PARAM,
  UNSIGNED_PAYLOAD,
} from '@smithy/signature-v4';

/** Characters a path segment keeps as they are (RFC 3986 unreserved) and the separator. */
const pathSafeKey = /^[A-Za-z0-9._~/-]+$/;

/** The presigner's name for the payload hash in a URL (signature-v4's SHA256_HEADER is the header's). */
const contentSha256QueryParam = 'X-Amz-Content-Sha256';

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
  const [first] = keys;
  if (first === undefined) return [];
  const credentials = await s3.config.credentials();
  // X-Amz-Date has whole seconds: within one, the same bucket, expiry and credentials give the
  // same query to every key.
  const sameQuery = JSON.stringify([
    bucket,
    options.expiresIn,
    Math.floor(options.signingDate.getTime() / 1000),
    credentials.accessKeyId,
    credentials.sessionToken ?? null,
  ]);
  const recent = recentSigners.get(s3);
  const urls: Array<string | Promise<string>> = [];
  let signer = recent?.sameQuery === sameQuery ? recent.signer : undefined;
  if (!signer) {
    const firstUrl = await viaClient(first);
    signer = await keySigner(s3, firstUrl, first);
    if (!signer) return [firstUrl, ...(await Promise.all(keys.slice(1).map(viaClient)))];
    recentSigners.set(s3, { sameQuery, signer });
    urls.push(firstUrl);
  }
  for (const key of urls.length > 0 ? keys.slice(1) : keys)
    urls.push(pathSafeKey.test(key) ? signer(key) : viaClient(key));
  // Promises only for keys that took the client's road: each one costs the tracer's async hooks.
  return urls.some((url) => typeof url !== 'string') ? Promise.all(urls) : (urls as string[]);
}

/**
 * The last batch's signer per client: a batch in the same second (getImage after getImage, a page
 * of search after a page of list) signs every key with it, with no getSignedUrl at all (~1.5 ms).
 */
const recentSigners = new WeakMap<S3Client, { sameQuery: string; signer: KeySigner }>();

/** Signs one key's GET like `presignedUrl`, or undefined when the first URL cannot be reproduced. */
type KeySigner = (key: string) => string;

async function keySigner(s3: S3Client, presignedUrl: string, key: string): Promise<KeySigner | undefined> {
  if (!pathSafeKey.test(key)) return undefined;
  const url = new URL(presignedUrl);
  if (!url.pathname.endsWith(`/${key}`)) return undefined;
  const pathPrefix = url.pathname.slice(0, url.pathname.length - key.length);
  const params = new URLSearchParams(url.search);
  const credential = params.get(CREDENTIAL_QUERY_PARAM);
  const longDate = params.get(AMZ_DATE_QUERY_PARAM);
  const expected = params.get(SIGNATURE_QUERY_PARAM);
  // Only a GET that signs the host alone with an unsigned payload is the same request per key.
  if (
    !credential ||
    !longDate ||
    !expected ||
    params.get(SIGNED_HEADERS_QUERY_PARAM) !== 'host' ||
    params.get(contentSha256QueryParam) !== UNSIGNED_PAYLOAD
  )
    return undefined;
  const [accessKeyId, shortDate, region, service] = credential.split('/');
  const credentials = await s3.config.credentials();
  if (!shortDate || !region || !service || credentials.accessKeyId !== accessKeyId) return undefined;
  // A KeyObject: HMAC with raw key bytes re-checks and imports the key per call (~10 µs of ~13).
  const signingKey = createSecretKey(
    await getSigningKey(s3.config.sha256, credentials, shortDate, region, service),
  );
  const scope = credential.slice(accessKeyId.length + 1);
  // The query every key shares; in the URL as the SDK writes it (names sorted, names and values
  // escaped), the signature in its sorted place.
  params.delete(SIGNATURE_QUERY_PARAM);
  const canonicalQuery = getCanonicalQuery({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    path: url.pathname,
    headers: {},
    query: Object.fromEntries(params),
  });
  const names = [...new Set(params.keys())].sort();
  const pair = (name: string) =>
    params
      .getAll(name)
      .map((value) => `${escapeUri(name)}=${escapeUri(value)}`)
      .join('&');
  const before = names.filter((name) => name < SIGNATURE_QUERY_PARAM).map(pair);
  const after = names.filter((name) => name > SIGNATURE_QUERY_PARAM).map(pair);
  const head = `GET\n${pathPrefix}`;
  const tail = `\n${canonicalQuery}\nhost:${url.host}\n\nhost\n${UNSIGNED_PAYLOAD}`;
  const stringToSignHead = `${ALGORITHM_IDENTIFIER}\n${longDate}\n${scope}\n`;
  const signature = (k: string) => {
    // The one-shot hash: no Hash object per key.
    const hashedRequest = hash('sha256', `${head}${k}${tail}`, 'hex');
    return createHmac('sha256', signingKey).update(`${stringToSignHead}${hashedRequest}`).digest('hex');
  };
  if (signature(key) !== expected) return undefined;
  return (k) => {
    const query = [...before, `${SIGNATURE_QUERY_PARAM}=${signature(k)}`, ...after].join('&');
    return `${url.origin}${pathPrefix}${k}?${query}`;
  };
}

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
