import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import {
  type _Object,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  type EncodingType,
  GetBucketCorsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  NoSuchKey,
  type ObjectVersion,
  PutBucketCorsCommand,
  PutObjectCommand,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyOrigin, uploadBucketCors } from '../../../contracts/bucket-cors.ts';
import { names } from '../../../contracts/names.ts';
import { photo as fixturePhoto } from '../../../tests/fixtures.ts';
import { FaultRegistry } from '../../faults.ts';
import { type Harness, startHarness } from './test-harness.ts';

const bucket = names.localBucket;
let h: Harness;
let photo: Buffer;

beforeAll(async () => {
  h = await startHarness(bucket);
  photo = await readFile(fixturePhoto('coffee.png'));
});

afterAll(async () => {
  await h.close();
});

function md5(data: Buffer): string {
  return `"${createHash('md5').update(data).digest('hex')}"`;
}

describe('S3 objects', () => {
  it('stores a photo and gives the same bytes, type and ETag back', async () => {
    // Act
    const put = await h.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'uploads/o/1/original',
        Body: photo,
        ContentType: 'image/png',
      }),
    );
    const got = await h.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'uploads/o/1/original' }));
    const head = await h.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'uploads/o/1/original' }));

    // Assess
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(bytes.equals(photo)).toBe(true);
    expect(put.ETag).toBe(md5(photo));
    expect(got.ContentType).toBe('image/png');
    expect(head.ContentLength).toBe(photo.length);
    expect(head.VersionId).toBe(put.VersionId);
    expect(put.VersionId).toMatch(/^[\w-]{20,}$/);
  });

  it('emits an EventBridge Object Created event for a PUT', async () => {
    // Prepare
    const data = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
      .jpeg()
      .toBuffer();
    const before = h.events.length;

    // Act
    const put = await h.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'thumbnails/o/1/small.jpg', Body: data }),
    );

    // Assess
    expect(h.events.slice(before)).toEqual([
      expect.objectContaining({
        'detail-type': 'Object Created',
        source: 'aws.s3',
        account: '000000000000',
        region: 'us-east-1',
        resources: [`arn:aws:s3:::${bucket}`],
        detail: expect.objectContaining({
          bucket: { name: bucket },
          object: expect.objectContaining({
            key: 'thumbnails/o/1/small.jpg',
            size: data.length,
            etag: md5(data).replaceAll('"', ''),
            'version-id': put.VersionId,
          }),
          reason: 'PutObject',
        }),
      }),
    ]);
  });

  it('decodes a streamed (aws-chunked) upload', async () => {
    // Prepare: a stream body makes the SDK send aws-chunked with a trailing checksum.
    const file = fixturePhoto('astronaut.png');
    const { size } = await stat(file);

    // Act
    const put = await h.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'stream/astronaut.png',
        Body: createReadStream(file),
        ContentLength: size,
      }),
    );
    const head = await h.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'stream/astronaut.png' }));

    // Assess
    expect(put.ETag).toBe(md5(await readFile(file)));
    expect(head.ContentLength).toBe(size);
    expect(head.ContentEncoding).toBeUndefined();
  });

  it('serves a byte range', async () => {
    // Prepare
    await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'range/photo.png', Body: photo }));

    // Act
    const got = await h.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'range/photo.png', Range: 'bytes=0-7' }),
    );

    // Assess
    expect(got.ContentRange).toBe(`bytes 0-7/${photo.length}`);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(photo.subarray(0, 8))).toBe(true);
  });

  it('answers NoSuchKey and NoSuchBucket as S3 does', async () => {
    // Act
    const missingKey = h.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'nope' }));
    const missingBucket = h.s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' }));

    // Assess
    await expect(missingKey).rejects.toBeInstanceOf(NoSuchKey);
    await expect(missingBucket).rejects.toMatchObject({
      name: 'NoSuchBucket',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('lists by prefix in pages with continuation tokens', async () => {
    // Prepare
    const keys = ['list/a', 'list/b', 'list/c', 'list/d', 'list/e'];
    for (const key of keys) await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'listing-not', Body: 'x' }));

    // Act
    const pages: string[][] = [];
    for await (const page of paginateListObjectsV2(
      { client: h.s3, pageSize: 2 },
      { Bucket: bucket, Prefix: 'list/' },
    )) {
      pages.push((page.Contents ?? []).map((object) => object.Key ?? ''));
    }

    // Assess
    expect(pages).toEqual([['list/a', 'list/b'], ['list/c', 'list/d'], ['list/e']]);
  });

  it('groups keys under a delimiter into common prefixes', async () => {
    // Prepare
    for (const key of ['tree/x/1', 'tree/x/2', 'tree/y/1', 'tree/top']) {
      await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    }

    // Act
    const listed = await h.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'tree/', Delimiter: '/' }),
    );

    // Assess
    expect(listed.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['tree/x/', 'tree/y/']);
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['tree/top']);
    expect(listed.KeyCount).toBe(3);
  });

  it('refuses an encoding-type other than url on every listing, as S3 does', async () => {
    // Prepare
    await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'encoded/a b', Body: 'x' }));
    // S3's EncodingType has one value; a raw string reaches the wire as any client could send it.
    const as = (value: string) => value as EncodingType;
    const keysOf = (answer: { Contents?: _Object[]; Versions?: ObjectVersion[] }) =>
      (answer.Contents ?? answer.Versions ?? []).map((object) => object.Key);
    const listings = [
      (EncodingType: string) =>
        h.s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: 'encoded/', EncodingType: as(EncodingType) }),
        ),
      (EncodingType: string) =>
        h.s3.send(
          new ListObjectsCommand({ Bucket: bucket, Prefix: 'encoded/', EncodingType: as(EncodingType) }),
        ),
      (EncodingType: string) =>
        h.s3.send(
          new ListObjectVersionsCommand({
            Bucket: bucket,
            Prefix: 'encoded/',
            EncodingType: as(EncodingType),
          }),
        ),
    ];

    for (const list of listings) {
      // Act
      const refused = await list('base64').catch((error: unknown) => error);
      const encoded = await list('url');

      // Assess
      expect(refused).toMatchObject({
        name: 'InvalidArgument',
        message: 'Invalid Encoding Method specified in Request',
        $metadata: { httpStatusCode: 400 },
      });
      expect(encoded.EncodingType).toBe('url');
      expect(keysOf(encoded)).toEqual(['encoded/a%20b']);
    }
  });

  it('refuses a PUT whose Content-MD5 is malformed (InvalidDigest) or of other bytes (BadDigest)', async () => {
    // Prepare
    const body = Buffer.from('the bytes that were sent');
    const otherDigest = createHash('md5').update('other bytes').digest('base64');
    const put = (ContentMD5: string) =>
      h.s3
        .send(new PutObjectCommand({ Bucket: bucket, Key: 'digest/object', Body: body, ContentMD5 }))
        .catch((error: unknown) => error);

    // Act
    const results = {
      mismatched: await put(otherDigest),
      notBase64: await put('not-an-md5!'),
      hexNotBase64: await put(createHash('md5').update(body).digest('hex')),
      tooShort: await put(Buffer.alloc(15).toString('base64')),
      matching: await put(createHash('md5').update(body).digest('base64')),
    };

    // Assess
    expect(results.mismatched).toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    for (const malformed of [results.notBase64, results.hexNotBase64, results.tooShort]) {
      expect(malformed).toMatchObject({ name: 'InvalidDigest', $metadata: { httpStatusCode: 400 } });
    }
    expect(results.matching).toMatchObject({ ETag: md5(body) });
    const versions = await h.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'digest/' }));
    expect(versions.Versions).toHaveLength(1);
  });

  it('copies an object and emits a CopyObject event', async () => {
    // Prepare
    await h.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'copy/src', Body: photo, ContentType: 'image/png' }),
    );
    const before = h.events.length;

    // Act
    const copied = await h.s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'copy/dst', CopySource: `${bucket}/copy/src` }),
    );
    const head = await h.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copy/dst' }));

    // Assess
    expect(copied.CopyObjectResult?.ETag).toBe(md5(photo));
    expect(head.ContentType).toBe('image/png');
    expect(h.events.slice(before).map((e) => [e.detail.object.key, e.detail.reason])).toEqual([
      ['copy/dst', 'CopyObject'],
    ]);
  });

  it('keeps every version, hides a deleted key behind a marker, and deletes all versions for good', async () => {
    // Prepare
    const key = 'versions/original';
    const v1 = await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'one' }));
    const v2 = await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'two!' }));

    // Act
    const deleted = await h.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    const hidden = await h.s3
      .send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      .catch((error: unknown) => error);
    const old = await h.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: v1.VersionId }));
    const listed = await h.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'versions/' }));
    const identifiers = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key,
      VersionId: v.VersionId,
    }));
    const purge = await h.s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: identifiers, Quiet: true } }),
    );
    const after = await h.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'versions/' }));

    // Assess
    expect(deleted.DeleteMarker).toBe(true);
    expect(hidden).toBeInstanceOf(NoSuchKey);
    expect(await old.Body!.transformToString()).toBe('one');
    expect(listed.Versions?.map((v) => [v.VersionId, v.Size, v.IsLatest])).toEqual([
      [v2.VersionId, 4, false],
      [v1.VersionId, 3, false],
    ]);
    expect(listed.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest])).toEqual([[deleted.VersionId, true]]);
    expect(purge.Errors ?? []).toEqual([]);
    expect(after.Versions ?? []).toEqual([]);
    expect(after.DeleteMarkers ?? []).toEqual([]);
  });

  it('pages versions with key and version-id markers', async () => {
    // Prepare: three versions of one key and one of another, listed two at a time.
    const written: string[] = [];
    for (const [key, body] of [
      ['paged/a', '1'],
      ['paged/a', '2'],
      ['paged/a', '3'],
      ['paged/b', '4'],
    ]) {
      const put = await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      written.push(`${key}@${put.VersionId}`);
    }

    // Act
    const seen: string[] = [];
    let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
    for (;;) {
      const page = await h.s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'paged/', MaxKeys: 2, ...markers }),
      );
      seen.push(...(page.Versions ?? []).map((v) => `${v.Key}@${v.VersionId}`));
      if (!page.IsTruncated) break;
      markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
    }

    // Assess: key order, newest version first within a key, nothing twice.
    expect(seen).toEqual([written[2], written[1], written[0], written[3]]);
  });

  it('keeps objects across a restart', async () => {
    // Prepare
    await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'durable/photo.png', Body: photo }));
    const restarted = await startHarness(bucket, h.dataDir);

    // Act
    const got = await restarted.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'durable/photo.png' }));

    // Assess
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(photo)).toBe(true);
    await restarted.close();
  });

  it('forgets objects on reset but keeps the boot bucket', async () => {
    // Prepare
    const other = await startHarness(bucket);
    await other.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'gone', Body: 'x' }));

    // Act
    await other.provider.reset();
    const listed = await other.s3.send(new ListObjectsV2Command({ Bucket: bucket }));

    // Assess
    expect(listed.KeyCount).toBe(0);
    await other.close();
  });
});

describe('S3 authentication', () => {
  it('serves presigned PUT and GET URLs', async () => {
    // Prepare
    const key = 'presigned/photo.png';
    const putUrl = await getSignedUrl(h.s3, new PutObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: 60,
    });
    const getUrl = await getSignedUrl(h.s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: 60,
    });

    // Act
    const put = await fetch(putUrl, {
      method: 'PUT',
      body: new Uint8Array(photo),
      headers: { 'content-type': 'image/png' },
    });
    const got = await fetch(getUrl);

    // Assess
    expect(put.status).toBe(200);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(photo)).toBe(true);
  });

  it('refuses a presigned GET after it expired', async () => {
    // Prepare
    await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'presigned/expiring', Body: 'x' }));
    const url = await getSignedUrl(
      h.s3,
      new GetObjectCommand({ Bucket: bucket, Key: 'presigned/expiring' }),
      {
        expiresIn: 1,
      },
    );
    h.advanceClock(2_000);

    // Act
    const response = await fetch(url);
    h.advanceClock(-2_000);

    // Assess
    expect(response.status).toBe(403);
    const text = await response.text();
    expect(text).toContain('<Code>AccessDenied</Code>');
    expect(text).toContain('Request has expired');
  });

  it('refuses an anonymous request', async () => {
    // Act
    const response = await fetch(`${h.endpoint}/${bucket}/uploads/o/1/original`);

    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});

describe('S3 fault injection', () => {
  it('fails the operation on keys an injected fault matches, and only those', async () => {
    // Prepare
    const faults = new FaultRegistry();
    faults.set([
      { service: 's3', operation: 'GetObject', match: 'faulty/*', error: 'AccessDenied', status: 403 },
    ]);
    const faulty = await startHarness(bucket, undefined, faults);
    await faulty.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'faulty/x', Body: 'x' }));
    await faulty.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'fine/x', Body: 'x' }));

    // Act
    const failed = await faulty.s3
      .send(new GetObjectCommand({ Bucket: bucket, Key: 'faulty/x' }))
      .catch((e: unknown) => e);
    const fine = await faulty.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'fine/x' }));

    // Assess
    expect(failed).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(await fine.Body!.transformToString()).toBe('x');
    await faulty.close();
  });
});

describe('S3 CORS', () => {
  it('answers a browser preflight for a POST from any origin', async () => {
    // Act
    const response = await fetch(`${h.endpoint}/${bucket}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST, PUT, GET, HEAD');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(response.headers.get('access-control-max-age')).toBe('3000');
  });

  it('refuses a preflight for a method the rule does not allow', async () => {
    // Act
    const response = await fetch(`${h.endpoint}/${bucket}/k`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'DELETE' },
    });

    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>AccessForbidden</Code>');
  });

  it('reports the images bucket rule of contracts/bucket-cors.ts', async () => {
    // Act
    const cors = await h.s3.send(new GetBucketCorsCommand({ Bucket: bucket }));

    // Assess
    expect(cors.CORSRules).toEqual(
      uploadBucketCors(anyOrigin).map((rule) => ({
        AllowedHeaders: rule.allowedHeaders,
        AllowedMethods: rule.allowedMethods,
        AllowedOrigins: rule.allowedOrigins,
        ExposeHeaders: rule.exposedHeaders,
        MaxAgeSeconds: rule.maxAgeSeconds,
      })),
    );
  });

  it('refuses a CORS rule with a method S3 does not support, naming it', async () => {
    // Prepare
    const other = 'cors-unsupported-method';
    await h.s3.send(new CreateBucketCommand({ Bucket: other }));

    // Act
    const put = h.s3.send(
      new PutBucketCorsCommand({
        Bucket: other,
        CORSConfiguration: { CORSRules: [{ AllowedMethods: ['GET', 'PATCH'], AllowedOrigins: ['*'] }] },
      }),
    );

    // Assess
    await expect(put).rejects.toMatchObject({
      name: 'InvalidRequest',
      message: 'Found unsupported HTTP method in CORS config. Unsupported method is PATCH',
    });
  });
});

afterAll(async () => {
  await rm(h.dataDir, { recursive: true, force: true });
});
