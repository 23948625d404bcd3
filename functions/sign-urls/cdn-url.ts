/**
 * CloudFront signed URLs for thumbnails (canned policy, signed with the key group's private key).
 * The expiry is rounded up to the end of the next time window, so every read of a thumbnail within
 * one window gets the same URL: browsers and the edge cache it, where a fresh expiry per read would
 * make every URL new.
 */
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { limits } from '../../contracts/names.ts';
import { WindowMemo } from './window-memo.ts';

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

const remembered = new WeakMap<CdnSigning, WindowMemo>();

/**
 * `cdnThumbnailUrl`, signed once per key and window in a container (window-memo.ts): each costs
 * an RSA signature (~0.3-0.7 ms of CPU).
 */
export function rememberedCdnThumbnailUrl(
  signing: CdnSigning,
  key: string,
  now: Date,
  sign: typeof cdnThumbnailUrl = cdnThumbnailUrl,
): string {
  const window = String(windowedExpiry(now, signing.windowSeconds));
  let memo = remembered.get(signing);
  if (!memo) {
    memo = new WindowMemo();
    remembered.set(signing, memo);
  }
  const known = memo.get(window, key);
  if (known !== undefined) return known;
  const url = sign(signing, key, now);
  memo.remember(window, key, url);
  return url;
}
