/**
 * Presigned S3 GETs for thumbnails (the local stack, where there is no CDN), fixed for a window as
 * the CloudFront URLs are (cdn-url.ts): signed at the window's start and valid to the end of the
 * next window, so every read within a window gets the same URL (the browser's cache hits, where
 * a fresh signature per read would make every URL new) and each URL lives one to two windows,
 * never less than the window. Signed once per key and window in a container (window-memo.ts).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { type PresignOptions, presignGets } from './presign-batch.ts';
import { WindowMemo } from './window-memo.ts';

/** When a URL read at `now` was signed, and for how long it is valid from then. */
export function s3UrlWindow(now: Date, windowSeconds: number): PresignOptions {
  const start = Math.floor(now.getTime() / 1000 / windowSeconds) * windowSeconds;
  return { signingDate: new Date(start * 1000), expiresIn: 2 * windowSeconds };
}

const remembered = new WeakMap<S3Client, WindowMemo>();

/** One URL per key, in order, each signed at most once per window by this container. */
export async function rememberedS3ThumbnailUrls(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  now: Date,
  windowSeconds: number,
  presign: typeof presignGets = presignGets,
): Promise<string[]> {
  if (keys.length === 0) return [];
  const options = s3UrlWindow(now, windowSeconds);
  // Another bucket, window or access key signs other URLs.
  const { accessKeyId } = await s3.config.credentials();
  const window = [bucket, options.signingDate.getTime(), options.expiresIn, accessKeyId].join('\n');
  let memo = remembered.get(s3);
  if (!memo) {
    memo = new WindowMemo();
    remembered.set(s3, memo);
  }
  const urls = keys.map((key) => memo.get(window, key));
  const missing = [...new Set(keys.filter((_, i) => urls[i] === undefined))];
  if (missing.length === 0) return urls as string[];
  const signed = await presign(s3, bucket, missing, options);
  const byKey = new Map(missing.map((key, i) => [key, signed[i] ?? '']));
  for (const [key, url] of byKey) memo.remember(window, key, url);
  return keys.map((key, i) => urls[i] ?? byKey.get(key) ?? '');
}
