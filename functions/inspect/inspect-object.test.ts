import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jpeg } from '../test-support/images.ts';
import { s3Stub, stubVersionId } from '../test-support/s3-stub.ts';
import { inspectObject } from './inspect-object.ts';

describe('inspectObject', () => {
  it('adds the object’s actual size and its ETag without quotes', async () => {
    // Prepare
    const bytes = await jpeg(300, 200);
    const s3 = s3Stub({ 'uploads/o/i/original': bytes });

    // Act
    const inspection = await inspectObject(s3.client, {
      bucket: 'b',
      key: 'uploads/o/i/original',
      versionId: stubVersionId,
    });

    // Assess
    expect(inspection).toEqual({
      width: 300,
      height: 200,
      format: 'jpeg',
      orientation: 1,
      bytes: bytes.length,
      etag: 'etag-of-original',
      metadata: null,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  });

  it('inspects the version the event names, not the latest one', async () => {
    // Prepare: the same upload ticket was used twice; the first version claimed the item
    const claimed = await jpeg(640, 480);
    const s3 = s3Stub(
      { 'uploads/o/i/original': await jpeg(240, 480) },
      { 'uploads/o/i/original': { 'v-1': claimed } },
    );

    // Act
    const inspection = await inspectObject(s3.client, {
      bucket: 'b',
      key: 'uploads/o/i/original',
      versionId: 'v-1',
    });

    // Assess
    expect(inspection).toMatchObject({ width: 640, height: 480, bytes: claimed.length });
  });

  it('answers NotFound for a version that is gone', async () => {
    const s3 = s3Stub({ 'uploads/o/i/original': await jpeg(240, 480) });

    const attempt = inspectObject(s3.client, {
      bucket: 'b',
      key: 'uploads/o/i/original',
      versionId: 'v-deleted',
    });

    await expect(attempt).rejects.toMatchObject({ name: 'NotFound', message: /v-deleted/ });
  });

  it('answers NotFound for a missing original', async () => {
    const s3 = s3Stub({});

    const attempt = inspectObject(s3.client, {
      bucket: 'b',
      key: 'uploads/o/i/original',
      versionId: stubVersionId,
    });

    await expect(attempt).rejects.toMatchObject({ name: 'NotFound' });
  });
});

describe('inspectObject limits', () => {
  it('refuses a file over the upload limit as ImageTooLarge before reading it', async () => {
    // Prepare: 25 MB + 1 of JPEG-looking bytes
    const oversized = Buffer.alloc(25 * 1024 * 1024 + 1);
    oversized.set([0xff, 0xd8, 0xff]);
    const s3 = s3Stub({ 'uploads/o/i/original': oversized });

    // Act
    const attempt = inspectObject(s3.client, {
      bucket: 'b',
      key: 'uploads/o/i/original',
      versionId: stubVersionId,
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ImageTooLarge', message: /26214401 bytes/ });
  });
});
