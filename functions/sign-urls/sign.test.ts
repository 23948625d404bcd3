import { generateKeyPairSync } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { ImageStatus } from '../../generated/schema.ts';
import { type SignRequest, signBatch, signThumbnailUrls } from './sign.ts';

const bucket = 'darkroom-images-test';
const s3 = new S3Client({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
  endpoint: 'http://127.0.0.1:4566',
  forcePathStyle: true,
});

function aThumbnail(imageStatus: ImageStatus, key = 'thumbnails/owner-1/image-1/small.jpg'): SignRequest {
  return { key, imageStatus };
}

describe('signThumbnailUrls', () => {
  it('signs GETs valid for 15 to 30 minutes for finished images and nulls the rest, in order', async () => {
    // Prepare
    const requests = [
      aThumbnail('COMPLETED', 'thumbnails/owner-1/image-1/small.jpg'),
      aThumbnail('PROCESSING'),
      aThumbnail('FLAGGED', 'thumbnails/owner-1/image-2/large.webp'),
      aThumbnail('COMPLETED', 'uploads/owner-1/image-1/original'),
      aThumbnail('FAILED'),
      aThumbnail('PENDING_UPLOAD'),
      aThumbnail('FLAGGED', 'thumbnails/owner-1/image-2/large-0123456789abcdef.webp'),
      aThumbnail('FLAGGED', 'quarantine/owner-1/image-2/original'),
      aThumbnail('COMPLETED', 'thumbnails/owner-1/image-1/../../../uploads/owner-1/image-1/original'),
    ];

    const now = new Date();

    // Act
    const urls = await signThumbnailUrls(s3, { bucket, now: () => now }, requests);

    // Assess
    expect(urls).toHaveLength(9);
    expect(urls.slice(1)).toEqual([
      null,
      expect.any(String),
      null,
      null,
      null,
      expect.any(String),
      null,
      null,
    ]);
    const first = new URL(urls[0] ?? '');
    expect(first.pathname).toBe(`/${bucket}/thumbnails/owner-1/image-1/small.jpg`);
    const signedAt = Date.parse(
      (first.searchParams.get('X-Amz-Date') ?? '').replace(
        /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/,
        '$1-$2-$3T$4:$5:$6Z',
      ),
    );
    const validFor =
      (signedAt + Number(first.searchParams.get('X-Amz-Expires')) * 1000 - now.getTime()) / 1000;
    expect(signedAt).toBeLessThanOrEqual(now.getTime());
    expect(validFor).toBeGreaterThan(15 * 60);
    expect(validFor).toBeLessThanOrEqual(30 * 60);
    expect(first.searchParams.get('X-Amz-Credential')).toMatch(/\/us-east-1\/s3\/aws4_request$/);
    expect(first.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const third = new URL(urls[2] ?? '');
    expect(third.pathname).toBe(`/${bucket}/thumbnails/owner-1/image-2/large.webp`);
    expect(third.searchParams.get('X-Amz-Date')).toBe(first.searchParams.get('X-Amz-Date'));
  });

  it('signs CloudFront URLs on the distribution when a CDN is given, still only for thumbnails', async () => {
    // Prepare
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const cdn = { domain: 'd111111abcdef8.cloudfront.net', keyPairId: 'K2JCJMDEHXQW5F', privateKey };

    // Act
    const urls = await signThumbnailUrls(s3, { bucket, cdn }, [
      aThumbnail('COMPLETED'),
      aThumbnail('COMPLETED', 'uploads/owner-1/image-1/original'),
    ]);

    // Assess
    const url = new URL(urls[0] ?? '');
    expect(`${url.host}${url.pathname}`).toBe(`${cdn.domain}/thumbnails/owner-1/image-1/small.jpg`);
    expect(url.searchParams.get('Key-Pair-Id')).toBe(cdn.keyPairId);
    expect(urls[1]).toBeNull();
  });

  it('answers an empty batch with an empty list', async () => {
    // Act
    const urls = await signThumbnailUrls(s3, { bucket }, []);

    // Assess
    expect(urls).toEqual([]);
  });

  it("signs a FLAGGED image's quarantined original for Image.originalUrl, as a 5-minute S3 GET even with a CDN", async () => {
    // Prepare
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const cdn = { domain: 'd111111abcdef8.cloudfront.net', keyPairId: 'K2JCJMDEHXQW5F', privateKey };
    const original = 'quarantine/owner-1/image-2/original';

    // Act
    const urls = await signThumbnailUrls(s3, { bucket, cdn }, [
      { key: original, imageStatus: 'FLAGGED', quarantined: true },
      { key: original, imageStatus: 'COMPLETED', quarantined: true },
      { key: original, imageStatus: 'REJECTED', quarantined: true },
      { key: 'uploads/owner-1/image-2/original', imageStatus: 'FLAGGED', quarantined: true },
      { key: 'thumbnails/owner-1/image-2/large.webp', imageStatus: 'FLAGGED', quarantined: true },
    ]);

    // Assess
    const url = new URL(urls[0] ?? '');
    expect(url.pathname).toBe(`/${bucket}/${original}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(urls.slice(1)).toEqual([null, null, null, null]);
  });
});

describe('signBatch', () => {
  const now = () => new Date('2026-12-01T08:00:00.000Z');

  it("answers an image's keys with its URLs in order and a single key with one URL, all as signThumbnailUrls signs them", async () => {
    // Prepare
    const small = 'thumbnails/owner-1/image-1/small-0123456789abcdef.jpg';
    const large = 'thumbnails/owner-1/image-1/large-0123456789abcdef.webp';
    const flaggedSmall = 'thumbnails/owner-1/image-2/small-fedcba9876543210.jpg';
    const original = 'quarantine/owner-1/image-2/original';

    // Act
    const answers = await signBatch(s3, { bucket, now }, [
      { keys: [small, large], imageStatus: 'COMPLETED' },
      { keys: [flaggedSmall], imageStatus: 'FLAGGED' },
      { keys: [small, large], imageStatus: 'PROCESSING' },
      { keys: [], imageStatus: 'COMPLETED' },
      { key: original, imageStatus: 'FLAGGED', quarantined: true },
      { key: small, imageStatus: 'COMPLETED' },
    ]);

    // Assess
    const one = await signThumbnailUrls(s3, { bucket, now }, [
      aThumbnail('COMPLETED', small),
      aThumbnail('COMPLETED', large),
      aThumbnail('FLAGGED', flaggedSmall),
    ]);
    expect(answers.slice(0, 4)).toEqual([[one[0], one[1]], [one[2]], [null, null], []]);
    expect(new URL(String(answers[4])).pathname).toBe(`/${bucket}/${original}`);
    expect(answers[5]).toBe(one[0]);
  });

  it('answers an image that is not COMPLETED or FLAGGED with a null per key, whatever its keys', async () => {
    // Act
    const answers = await signBatch(
      s3,
      { bucket, now },
      (['PENDING_UPLOAD', 'PROCESSING', 'FAILED', 'REJECTED'] as const).map((imageStatus) => ({
        keys: ['thumbnails/owner-1/image-1/small.jpg', 'thumbnails/owner-1/image-1/small.webp'],
        imageStatus,
      })),
    );

    // Assess
    expect(answers).toEqual([
      [null, null],
      [null, null],
      [null, null],
      [null, null],
    ]);
  });

  it("never signs a key outside an image's renditions, even for a finished image", async () => {
    // Act
    const [urls] = await signBatch(s3, { bucket, now }, [
      {
        keys: [
          'uploads/owner-1/image-1/original',
          'quarantine/owner-1/image-1/original',
          'thumbnails/owner-1/image-1/../../../uploads/owner-1/image-1/original',
          'thumbnails/owner-1/image-1/small.jpg',
        ],
        imageStatus: 'FLAGGED',
      },
    ]);

    // Assess
    expect(urls).toEqual([null, null, null, expect.stringContaining('X-Amz-Signature=')]);
  });
});
