import { CopyObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { jpeg } from '../test-support/images.ts';
import { s3Stub, stubVersionId } from '../test-support/s3-stub.ts';
import { anAnalysis, aRevision, sixThumbnails } from '../test-support/stored-images.ts';
import { copyThumbnails } from './copy-thumbnails.ts';
import { reuseOrMakeThumbnails } from './make-thumbnails.ts';

const owner = 'owner-1';
const location = { bucket: 'bucket', owner, id: 'second' };
const placeholder = { hash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', dominantColor: '#384858' };
const first = (status: 'COMPLETED' | 'FLAGGED' = 'COMPLETED') => ({
  owner,
  id: 'first',
  status,
  thumbnails: sixThumbnails(owner, 'first'),
  placeholder,
  analysis: anAnalysis(),
});

describe('copyThumbnails', () => {
  it('copies each rendition server-side under the duplicate’s own prefix, same file name', async () => {
    // Prepare
    const s3 = s3Stub({});
    s3.mock.on(CopyObjectCommand).resolves({});

    // Act
    const copied = await copyThumbnails(s3.client, location, first());

    // Assess
    expect(copied).toHaveLength(6);
    expect(copied.map((c) => c.thumbnail.key)).toContain(`thumbnails/${owner}/second/small-${aRevision}.jpg`);
    const inputs = s3.mock.commandCalls(CopyObjectCommand).map((call) => call.args[0].input);
    expect(inputs).toContainEqual(
      expect.objectContaining({
        Bucket: 'bucket',
        Key: `thumbnails/${owner}/second/medium-${aRevision}.webp`,
        CopySource: `bucket/thumbnails/${owner}/first/medium-${aRevision}.webp`,
        ContentType: 'image/webp',
        CacheControl: expect.stringContaining('immutable'),
      }),
    );
  });

  it('refuses another owner’s renditions', async () => {
    const s3 = s3Stub({});

    const attempt = copyThumbnails(s3.client, location, { ...first(), owner: 'owner-2' });

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError' });
    expect(s3.mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });
});

describe('reuseOrMakeThumbnails', () => {
  const request = { ...location, key: `uploads/${owner}/second/original`, versionId: stubVersionId };

  it('reuses a FLAGGED image’s renditions and placeholder without reading the original, marked blurred', async () => {
    const s3 = s3Stub({ [request.key]: await jpeg(400, 300) });
    s3.mock.on(CopyObjectCommand).resolves({});

    const result = await reuseOrMakeThumbnails(s3.client, request, first('FLAGGED'));

    expect(result).toMatchObject({ placeholder, blurred: true, reusedFrom: 'first' });
    expect(s3.mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(s3.puts).toHaveLength(0);
  });

  it('renders the original when the first image’s renditions are gone (deleted meanwhile)', async () => {
    const s3 = s3Stub({ [request.key]: await jpeg(400, 300) });
    s3.mock
      .on(CopyObjectCommand)
      .rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }));

    const result = await reuseOrMakeThumbnails(s3.client, request, first());

    expect(result.blurred).toBe(false);
    expect(result.reusedFrom).toBeUndefined();
    expect(s3.puts).toHaveLength(6);
  });
});
