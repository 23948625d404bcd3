import { CopyObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { photoPath } from '../test-support/images.ts';
import { s3Stub, stubVersionId } from '../test-support/s3-stub.ts';
import { type StoredVersion, stubVersionedBucket } from '../test-support/stored-images.ts';
import { makeThumbnails } from '../thumbnails/make-thumbnails.ts';
import { blurThumbnails } from './blur-thumbnails.ts';

/** Mean absolute difference between neighbouring pixels: high for detail, near zero once blurred. */
async function detail(image: Buffer): Promise<number> {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (let y = 0; y < info.height; y += 1) {
    for (let x = 1; x < info.width; x += 1) {
      sum += Math.abs((data[y * info.width + x] ?? 0) - (data[y * info.width + x - 1] ?? 0));
    }
  }
  return sum / (info.height * (info.width - 1));
}

describe('blurThumbnails', () => {
  const key = 'uploads/owner-1/img-1/original';
  const location = { bucket: 'bucket', owner: 'owner-1', id: 'img-1', versionId: stubVersionId };

  /** The thumbnails step has run on a real photo; the bucket lists what it holds, newest first. */
  async function afterThumbnails() {
    const original = await sharp(photoPath('astronaut.png')).jpeg().toBuffer();
    const s3 = s3Stub({ [key]: original });
    const made = await makeThumbnails(s3.client, { ...location, key });
    const clear = new Map(s3.puts.map((put) => [put.key, put.body]));
    const versions: StoredVersion[] = [
      { key, versionId: stubVersionId },
      { key, versionId: 'v-reused-ticket' },
      ...made.thumbnails.map((t) => ({ key: t.key, versionId: `v-${t.key}` })),
    ];
    const bucket = stubVersionedBucket(s3.mock, versions);
    s3.mock.on(CopyObjectCommand).resolves({});
    s3.puts.length = 0;
    s3.mock.resetHistory();
    return { s3, made, clear, versions, bucket, original };
  }

  it('writes blurred renditions under keys of their own, from one read of the original', async () => {
    // Prepare
    const { s3, made, clear } = await afterThumbnails();

    // Act
    const flagged = await blurThumbnails(s3.client, { ...location, thumbnails: made.thumbnails });

    // Assess
    expect(flagged.thumbnails.map(({ key: _key, ...rest }) => rest)).toEqual(
      made.thumbnails.map(({ key: _key, ...rest }) => rest),
    );
    // The placeholder is the blurred rendition's, not the clear one the thumbnails step gave.
    expect(flagged.placeholder.hash).not.toBe(made.placeholder.hash);
    expect(s3.mock.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(s3.puts.map((put) => put.key).sort()).toEqual(flagged.thumbnails.map((t) => t.key).sort());
    for (const [index, put] of s3.puts.entries()) {
      expect(clear.has(put.key), put.key).toBe(false);
      const unblurred = made.thumbnails.find((t) => t.size === flagged.thumbnails[index]?.size);
      const before = await detail(clear.get(unblurred?.key ?? '') ?? Buffer.alloc(0));
      expect(await detail(put.body)).toBeLessThan(before / 4);
    }
  });

  it('leaves no unblurred rendition and no version under uploads/, and quarantines exactly the claimed version', async () => {
    // Prepare
    const { s3, made, versions } = await afterThumbnails();

    // Act
    const flagged = await blurThumbnails(s3.client, { ...location, thumbnails: made.thumbnails });

    // Assess: every version listed before is gone (the blurred ones were written after the listing's stub)
    expect(versions).toEqual([]);
    expect(flagged.deletedVersions).toBe(2 + made.thumbnails.length);
    expect(s3.mock.commandCalls(CopyObjectCommand).map((call) => call.args[0].input)).toEqual([
      {
        Bucket: 'bucket',
        Key: 'quarantine/owner-1/img-1/original',
        CopySource: `bucket/${key}?versionId=${stubVersionId}`,
      },
    ]);
  });

  it('keeps a FLAGGED duplicate’s copied renditions, blurred already: nothing rendered, the original still quarantined', async () => {
    // Prepare: the thumbnails step copied the blurred renditions of the image this one duplicates
    const { s3, made, versions } = await afterThumbnails();
    const placeholder = { hash: 'blurred-placeholder-hash', dominantColor: '#202020' };

    // Act
    const flagged = await blurThumbnails(s3.client, {
      ...location,
      thumbnails: made.thumbnails,
      blurred: { placeholder },
    });

    // Assess
    expect(flagged).toMatchObject({ thumbnails: made.thumbnails, placeholder });
    expect(s3.mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(s3.puts).toHaveLength(0);
    expect(s3.mock.commandCalls(CopyObjectCommand).map((call) => call.args[0].input.Key)).toEqual([
      'quarantine/owner-1/img-1/original',
    ]);
    // Only the uploads are purged; the kept renditions stay.
    expect(versions.map((v) => v.key).sort()).toEqual(made.thumbnails.map((t) => t.key).sort());
  });

  it('reads the quarantined copy on a retry after the original was moved', async () => {
    // Prepare: the first attempt moved the original, then died
    const original = await sharp(photoPath('coffee.png')).jpeg().toBuffer();
    const s3 = s3Stub({ 'quarantine/owner-1/img-1/original': original });
    stubVersionedBucket(s3.mock, []);

    // Act
    const flagged = await blurThumbnails(s3.client, { ...location, thumbnails: [] });

    // Assess
    expect(flagged.thumbnails).toHaveLength(6);
    expect(s3.mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  describe('under a lease', () => {
    const token = 'arn:aws:states:us-east-1:000000000000:express:darkroom-pipeline:first:1';
    const quarantineCopy = { Key: 'quarantine/owner-1/img-1/original', VersionId: 'v-quarantine-copy' };

    it('checks the lease after writing and before purging, and purges only while it holds', async () => {
      // Prepare
      const { s3, made, versions } = await afterThumbnails();
      const order: string[] = [];
      s3.mock.on(CopyObjectCommand).callsFake(() => {
        order.push('copy');
        return { VersionId: quarantineCopy.VersionId };
      });
      const check = async () => {
        order.push(`check after ${s3.puts.length} puts, ${versions.length} versions left`);
        return { held: true } as const;
      };

      // Act
      const flagged = await blurThumbnails(s3.client, {
        ...location,
        thumbnails: made.thumbnails,
        lease: { token, check },
      });

      // Assess
      expect(order).toEqual(['copy', `check after 6 puts, ${2 + made.thumbnails.length} versions left`]);
      expect(flagged).toMatchObject({ leaseLost: false, deletedVersions: 2 + made.thumbnails.length });
      expect(versions).toEqual([]);
    });

    it('moves nothing once a newer execution holds the image: deletes exactly its own writes and returns no thumbnails', async () => {
      // Prepare: a redrive's execution claimed the image while this one ran
      const { s3, made, versions, bucket } = await afterThumbnails();
      const before = [...versions];
      s3.mock.on(CopyObjectCommand).resolves({ VersionId: quarantineCopy.VersionId });
      const item = { status: 'PROCESSING', leaseToken: 'arn:newer-execution' };

      // Act
      const flagged = await blurThumbnails(s3.client, {
        ...location,
        thumbnails: made.thumbnails,
        lease: { token, check: async () => ({ held: false, item }) },
      });

      // Assess: the original and the unblurred renditions stay for the newer execution
      expect(versions).toEqual(before);
      expect(flagged).toMatchObject({ thumbnails: [], leaseLost: true, deletedVersions: 7 });
      expect(bucket.deleted).toEqual([
        ...s3.puts.map((put, index) => ({ Key: put.key, VersionId: `v-put-${index + 1}` })),
        quarantineCopy,
      ]);
    });

    it('keeps the blurred renditions a FLAGGED record lists (same bytes, same keys) but never its quarantine copy', async () => {
      // Prepare: the newer execution finished first and flagged the same bytes
      const { s3, made, bucket } = await afterThumbnails();
      s3.mock.on(CopyObjectCommand).resolves({ VersionId: quarantineCopy.VersionId });
      let listed: Array<{ key: string }> = [];
      const check = async () => {
        listed = s3.puts.map((put) => ({ key: put.key }));
        return { held: false, item: { status: 'FLAGGED', thumbnails: listed } } as const;
      };

      // Act
      const flagged = await blurThumbnails(s3.client, {
        ...location,
        thumbnails: made.thumbnails,
        lease: { token, check },
      });

      // Assess
      expect(listed).toHaveLength(6);
      expect(flagged).toMatchObject({ leaseLost: true, deletedVersions: 1 });
      expect(bucket.deleted).toEqual([quarantineCopy]);
    });
  });

  it('refuses, writing nothing, when a given thumbnail key is not this image’s', async () => {
    const s3 = s3Stub({ 'uploads/o/i/original': await sharp(photoPath('coffee.png')).jpeg().toBuffer() });
    const stray = {
      size: 'SMALL',
      format: 'JPEG',
      width: 150,
      height: 100,
      contentType: 'image/jpeg',
      key: 'thumbnails/o/other/small-0123456789abcdef.jpg',
    } as const;

    const attempt = blurThumbnails(s3.client, {
      bucket: 'b',
      owner: 'o',
      id: 'i',
      versionId: stubVersionId,
      thumbnails: [stray],
    });

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError' });
    expect(s3.puts).toHaveLength(0);
  });
});
