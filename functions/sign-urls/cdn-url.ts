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
