import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { presignGets } from './presign-batch.ts';

const bucket = 'darkroom-images-test';
const signingDate = new Date('2026-12-01T02:03:04Z');
const keys = [
  'thumbnails/0b7e2f2e-8f3c-4f5e-9a3d-2c1b0a9f8e7d/01JD00000000000000000000AB/small-0123456789abcdef.jpg',
  'thumbnails/0b7e2f2e-8f3c-4f5e-9a3d-2c1b0a9f8e7d/01JD00000000000000000000AB/large-0123456789abcdef.webp',
  'thumbnails/another owner/01JD00000000000000000000CD/medium.jpg',
  'thumbnails/0b7e2f2e-8f3c-4f5e-9a3d-2c1b0a9f8e7d/01JD00000000000000000000EF/small.jpg',
];

const clients: Array<[string, S3Client]> = [
  [
    'path-style on a local endpoint',
    new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      endpoint: 'http://127.0.0.1:4566',
      forcePathStyle: true,
    }),
  ],
  [
    "virtual-hosted on AWS's own endpoint, with a session token",
    new S3Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'ASIATEST', secretAccessKey: 'secret', sessionToken: 'token/with+chars=' },
    }),
  ],
];

describe('presignGets', () => {
  it.each(clients)('makes exactly the URLs getSignedUrl makes, in order (%s)', async (_, s3) => {
    const expected = await Promise.all(
      keys.map((key) =>
        getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 900, signingDate }),
      ),
    );
    const urls = await presignGets(s3, bucket, keys, { expiresIn: 900, signingDate });
    expect(urls).toEqual(expected);
    // Distinct signatures: each URL is signed for its own key.
    expect(new Set(urls.map((url) => new URL(url).searchParams.get('X-Amz-Signature'))).size).toBe(
      keys.length,
    );
  });

  it('signs nothing for no keys, and a first key that needs escaping still leads to right URLs', async () => {
    const s3 = clients[0]?.[1] as S3Client;
    expect(await presignGets(s3, bucket, [], { expiresIn: 900, signingDate })).toEqual([]);
    const reordered = [keys[2] as string, keys[0] as string, keys[1] as string];
    const expected = await Promise.all(
      reordered.map((key) =>
        getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 900, signingDate }),
      ),
    );
    expect(await presignGets(s3, bucket, reordered, { expiresIn: 900, signingDate })).toEqual(expected);
  });

  it.each(clients)(
    "runs the client's middleware for one key at most, and every URL is still getSignedUrl's (%s)",
    async (_, s3) => {
      // Prepare: 50 keys of one page; a middleware that counts the client's serialisations.
      const page = Array.from(
        { length: 50 },
        (_, i) =>
          `thumbnails/owner-1/01JD00000000000000000000${String(i).padStart(2, '0')}/small-0123456789abcdef.jpg`,
      );
      const expected = await Promise.all(
        page.map((key) =>
          getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
            expiresIn: 900,
            signingDate,
          }),
        ),
      );
      let serialised = 0;
      s3.middlewareStack.add(
        (next) => (args) => {
          serialised += 1;
          return next(args);
        },
        { step: 'serialize', name: 'countSerialisations' },
      );

      // Act
      const urls = await presignGets(s3, bucket, page, { expiresIn: 900, signingDate });
      s3.middlewareStack.remove('countSerialisations');

      // Assess
      expect(urls).toEqual(expected);
      // Once for the first key, or not at all if an earlier batch of this second left its signer.
      expect(serialised).toBeLessThanOrEqual(1);
    },
  );

  it('signs a batch in the same second as the last without the client, and one a second later with it', async () => {
    // Prepare: a client of its own (signers are kept per client), counting its serialisations.
    const s3 = new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      endpoint: 'http://127.0.0.1:4566',
      forcePathStyle: true,
    });
    let serialised = 0;
    const counted = () => serialised;
    const expectedAt = (date: Date, list: string[]) =>
      Promise.all(
        list.map((key) =>
          getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
            expiresIn: 900,
            signingDate: date,
          }),
        ),
      );
    const later = new Date(signingDate.getTime() + 1000);
    const sameSecond = new Date(signingDate.getTime() + 999);
    const pageA = [keys[0] as string, keys[1] as string];
    const pageB = [keys[3] as string, keys[0] as string];
    const expected = [
      await expectedAt(signingDate, pageA),
      await expectedAt(sameSecond, pageB),
      await expectedAt(later, pageB),
    ];
    s3.middlewareStack.add(
      (next) => (args) => {
        serialised += 1;
        return next(args);
      },
      { step: 'serialize', name: 'countSerialisations' },
    );

    // Act
    const first = await presignGets(s3, bucket, pageA, { expiresIn: 900, signingDate });
    const afterFirst = counted();
    const second = await presignGets(s3, bucket, pageB, { expiresIn: 900, signingDate: sameSecond });
    const afterSecond = counted();
    const third = await presignGets(s3, bucket, pageB, { expiresIn: 900, signingDate: later });

    // Assess
    expect([first, second, third]).toEqual(expected);
    expect([afterFirst, afterSecond, counted()]).toEqual([1, 1, 2]);
  });
});
