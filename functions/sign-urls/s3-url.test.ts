import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { presignGets } from './presign-batch.ts';
import { rememberedS3ThumbnailUrls, s3UrlWindow } from './s3-url.ts';

const bucket = 'darkroom-images-test';
const aClient = (accessKeyId = 'AKIDTEST') =>
  new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'secret' },
    endpoint: 'http://127.0.0.1:4566',
    forcePathStyle: true,
  });
const small = 'thumbnails/owner-1/image-1/small-0123456789abcdef.jpg';
const large = 'thumbnails/owner-1/image-1/large-0123456789abcdef.webp';
const window = 15 * 60;

/** presignGets, recording every key it signs. */
function counting() {
  const signed: string[] = [];
  const presign: typeof presignGets = (s3, b, keys, options) => {
    signed.push(...keys);
    return presignGets(s3, b, keys, options);
  };
  return { signed, presign };
}

describe('s3UrlWindow', () => {
  it.each([
    ['at the start of a window', '2026-12-01T10:00:00Z'],
    ['within it', '2026-12-01T10:07:31Z'],
    ['at its last second', '2026-12-01T10:14:59Z'],
  ])('signs at the window start and stays valid one to two windows from any read (%s)', (_, at) => {
    const now = new Date(at);

    const { signingDate, expiresIn } = s3UrlWindow(now, window);

    expect(signingDate.toISOString()).toBe('2026-12-01T10:00:00.000Z');
    const validFor = (signingDate.getTime() + expiresIn * 1000 - now.getTime()) / 1000;
    expect(validFor).toBeGreaterThan(window);
    expect(validFor).toBeLessThanOrEqual(2 * window);
  });
});

describe('rememberedS3ThumbnailUrls', () => {
  it("signs each key once per window, every read answered with the window's URL", async () => {
    // Prepare
    const s3 = aClient();
    const { signed, presign } = counting();
    const at = (time: string) => new Date(`2026-12-01T${time}Z`);

    // Act
    const [first] = await rememberedS3ThumbnailUrls(s3, bucket, [small], at('10:00:01'), window, presign);
    const again = await rememberedS3ThumbnailUrls(
      s3,
      bucket,
      [large, small],
      at('10:14:59'),
      window,
      presign,
    );
    const next = await rememberedS3ThumbnailUrls(s3, bucket, [small], at('10:15:00'), window, presign);

    // Assess
    expect(signed).toEqual([small, large, small]);
    expect(again[1]).toBe(first);
    expect(first).toBe((await presignGets(s3, bucket, [small], s3UrlWindow(at('10:00:01'), window)))[0]);
    expect(next[0]).not.toBe(first);
    expect(new URL(next[0] ?? '').searchParams.get('X-Amz-Date')).toBe('20261201T101500Z');
  });

  it('answers a key asked twice in one batch with one URL, in order', async () => {
    const { signed, presign } = counting();

    const urls = await rememberedS3ThumbnailUrls(
      aClient(),
      bucket,
      [small, large, small],
      new Date('2026-12-01T11:00:00Z'),
      window,
      presign,
    );

    expect(signed).toEqual([small, large]);
    expect(urls[2]).toBe(urls[0]);
    expect(new URL(urls[1] ?? '').pathname).toBe(`/${bucket}/${large}`);
  });

  it('signs afresh for another bucket, or once the client signs with another access key', async () => {
    // Prepare
    const now = new Date('2026-12-01T12:00:00Z');
    let accessKeyId = 'AKIDTEST';
    const s3 = new S3Client({
      region: 'us-east-1',
      // Temporary credentials about to expire: the client asks for them again on every use.
      credentials: async () => ({
        accessKeyId,
        secretAccessKey: 'secret',
        expiration: new Date(Date.now() + 1000),
      }),
      endpoint: 'http://127.0.0.1:4566',
      forcePathStyle: true,
    });
    const { signed, presign } = counting();

    // Act
    const [mine] = await rememberedS3ThumbnailUrls(s3, bucket, [small], now, window, presign);
    const [elsewhere] = await rememberedS3ThumbnailUrls(s3, 'another-bucket', [small], now, window, presign);
    accessKeyId = 'AKIDROTATED';
    const [rotated] = await rememberedS3ThumbnailUrls(s3, bucket, [small], now, window, presign);

    // Assess
    expect(signed).toEqual([small, small, small]);
    expect(new URL(elsewhere ?? '').pathname).toBe(`/another-bucket/${small}`);
    expect(new URL(mine ?? '').searchParams.get('X-Amz-Credential')).toMatch(/^AKIDTEST\//);
    expect(new URL(rotated ?? '').searchParams.get('X-Amz-Credential')).toMatch(/^AKIDROTATED\//);
  });
});
