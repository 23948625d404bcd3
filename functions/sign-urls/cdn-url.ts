/**
 * CloudFront signed URLs for thumbnails (canned policy, signed with the key group's private key).
 * The expiry is rounded up to the end of the next time window, so every read of a thumbnail within
 * one window gets the same URL: browsers and the edge cache it, where a fresh expiry per read would
 * make every URL new.
 */
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { limits } from '../../contracts/names.ts';

export interface CdnSigning {
  /** The distribution's domain, e.g. `d111111abcdef8.cloudfront.net`. */
  domain: string;
  /** The CloudFront public key's id (the key group holds it). */
  keyPairId: string;
  /** PEM of the matching private key. */
  privateKey: string;
  windowSeconds?: number;
}

/** Epoch seconds at which a URL signed at `now` expires: the end of the window after the current one. */
export function windowedExpiry(now: Date, windowSeconds: number = limits.cdnUrlWindowSeconds): number {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return (Math.floor(nowSeconds / windowSeconds) + 2) * windowSeconds;
}

export function cdnThumbnailUrl(signing: CdnSigning, key: string, now: Date): string {
  const url = new URL(key, `https://${signing.domain}/`).toString();
  return getSignedUrl({
    url,
    keyPairId: signing.keyPairId,
    privateKey: signing.privateKey,
    dateLessThan: new Date(windowedExpiry(now, signing.windowSeconds) * 1000),
  });
}

/** How many URLs of the current window a container remembers (~0.5 KB each). */
const maxRememberedUrls = 10_000;

const remembered = new WeakMap<CdnSigning, { expiry: number; urls: Map<string, string> }>();

/**
 * `cdnThumbnailUrl`, signed once per key and window in a container: every read within a window
 * gets the same URL anyway, and each costs an RSA signature (~0.3-0.7 ms of CPU; 300 of them a
 * listImages page). A new window starts afresh; past `maxRememberedUrls` the oldest is forgotten.
 */
export function rememberedCdnThumbnailUrl(
  signing: CdnSigning,
  key: string,
  now: Date,
  sign: typeof cdnThumbnailUrl = cdnThumbnailUrl,
): string {
  const expiry = windowedExpiry(now, signing.windowSeconds);
  let window = remembered.get(signing);
  if (window?.expiry !== expiry) {
    window = { expiry, urls: new Map() };
    remembered.set(signing, window);
  }
  const known = window.urls.get(key);
  if (known !== undefined) return known;
  const url = sign(signing, key, now);
  if (window.urls.size >= maxRememberedUrls) {
    const oldest = window.urls.keys().next().value;
    if (oldest !== undefined) window.urls.delete(oldest);
  }
  window.urls.set(key, url);
  return url;
}
