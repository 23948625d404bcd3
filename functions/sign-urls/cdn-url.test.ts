import { createVerify, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { limits } from '../../contracts/names.ts';
import { type CdnSigning, cdnThumbnailUrl, rememberedCdnThumbnailUrl, windowedExpiry } from './cdn-url.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const signing: CdnSigning = {
  domain: 'd111111abcdef8.cloudfront.net',
  keyPairId: 'K2JCJMDEHXQW5F',
  privateKey,
};
const key = 'thumbnails/owner-1/image-1/r1/small.webp';

/** CloudFront's URL-safe base64: + → -, = → _, / → ~. */
function fromCloudFrontBase64(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');
}

/** Verifies a canned-policy signed URL the way CloudFront does, with the public key only. */
function verifies(signedUrl: string, pem: string): boolean {
  const url = new URL(signedUrl);
  const expires = Number(url.searchParams.get('Expires'));
  const signature = fromCloudFrontBase64(url.searchParams.get('Signature') ?? '');
  const resource = `${url.origin}${url.pathname}`;
  const policy = JSON.stringify({
    Statement: [{ Resource: resource, Condition: { DateLessThan: { 'AWS:EpochTime': expires } } }],
  });
  return createVerify('RSA-SHA1').update(policy).verify(pem, signature);
}

describe('cdnThumbnailUrl', () => {
  it('signs a URL on the distribution that verifies with the public key of the key group', () => {
    // Act
    const signed = cdnThumbnailUrl(signing, key, new Date('2026-12-01T10:20:00Z'));

    // Assess
    const url = new URL(signed);
    expect(url.host).toBe(signing.domain);
    expect(url.pathname).toBe(`/${key}`);
    expect(url.searchParams.get('Key-Pair-Id')).toBe(signing.keyPairId);
    expect(verifies(signed, publicKey)).toBe(true);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(verifies(signed, other.toString())).toBe(false);
  });

  it('gives the same URL to every read within a window, and a new one in the next', () => {
    // Act
    const early = cdnThumbnailUrl(signing, key, new Date('2026-12-01T10:00:01Z'));
    const late = cdnThumbnailUrl(signing, key, new Date('2026-12-01T10:59:59Z'));
    const next = cdnThumbnailUrl(signing, key, new Date('2026-12-01T11:00:00Z'));

    // Assess
    expect(late).toBe(early);
    expect(next).not.toBe(early);
  });

  it('keeps every URL valid for at least one window and at most two', () => {
    for (const iso of ['2026-12-01T10:00:00Z', '2026-12-01T10:30:00Z', '2026-12-01T10:59:59Z']) {
      const now = new Date(iso).getTime() / 1000;
      const lifetime = windowedExpiry(new Date(iso)) - now;
      expect(lifetime).toBeGreaterThan(limits.cdnUrlWindowSeconds);
      expect(lifetime).toBeLessThanOrEqual(2 * limits.cdnUrlWindowSeconds);
      expect(lifetime).toBeGreaterThan(limits.thumbnailUrlSeconds);
    }
  });
});

describe('rememberedCdnThumbnailUrl', () => {
  it("signs each key once per window, answering every read with cdnThumbnailUrl's URL", () => {
    // Prepare
    const own: CdnSigning = { ...signing };
    const signed: string[] = [];
    const counting: typeof cdnThumbnailUrl = (s, k, now) => {
      signed.push(k);
      return cdnThumbnailUrl(s, k, now);
    };
    const other = 'thumbnails/owner-1/image-1/r1/large.jpg';

    // Act
    const first = rememberedCdnThumbnailUrl(own, key, new Date('2026-12-01T10:00:01Z'), counting);
    const again = rememberedCdnThumbnailUrl(own, key, new Date('2026-12-01T10:59:59Z'), counting);
    const otherKey = rememberedCdnThumbnailUrl(own, other, new Date('2026-12-01T10:30:00Z'), counting);
    const nextWindow = rememberedCdnThumbnailUrl(own, key, new Date('2026-12-01T11:00:00Z'), counting);

    // Assess
    expect(signed).toEqual([key, other, key]);
    expect(again).toBe(first);
    expect(first).toBe(cdnThumbnailUrl(own, key, new Date('2026-12-01T10:00:01Z')));
    expect(otherKey).toBe(cdnThumbnailUrl(own, other, new Date('2026-12-01T10:30:00Z')));
    expect(nextWindow).toBe(cdnThumbnailUrl(own, key, new Date('2026-12-01T11:00:00Z')));
    expect(nextWindow).not.toBe(first);
  });

  it('remembers per signing settings: another key pair signs its own URLs', () => {
    // Prepare
    const now = new Date('2026-12-01T10:00:01Z');
    const rotated: CdnSigning = { ...signing, keyPairId: 'K3ROTATED0000' };

    // Act
    const before = rememberedCdnThumbnailUrl({ ...signing }, key, now);
    const after = rememberedCdnThumbnailUrl(rotated, key, now);

    // Assess
    expect(new URL(after).searchParams.get('Key-Pair-Id')).toBe('K3ROTATED0000');
    expect(new URL(before).searchParams.get('Key-Pair-Id')).toBe(signing.keyPairId);
  });
});
