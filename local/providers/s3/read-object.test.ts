/** S3Provider.readObject: the in-process read Rekognition's S3Object uses, answering as GetObject would. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { names } from '../../../contracts/names.ts';
import { FaultRegistry } from '../../faults.ts';
import { type Harness, startHarness } from './test-harness.ts';

const bucket = names.localBucket;
let h: Harness;

beforeAll(async () => {
  h = await startHarness(bucket);
});

afterAll(async () => {
  await h.close();
});

describe('S3Provider.readObject', () => {
  it('reads the current version, or the version named, of an object', async () => {
    const first = await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'read/x', Body: 'one' }));
    await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'read/x', Body: 'two' }));

    const current = await h.provider.readObject(bucket, 'read/x');
    const older = await h.provider.readObject(bucket, 'read/x', first.VersionId);

    expect(current?.toString()).toBe('two');
    expect(older?.toString()).toBe('one');
  });

  it('answers undefined for a key, version or bucket that does not exist', async () => {
    await h.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'read/y', Body: 'y' }));

    expect(await h.provider.readObject(bucket, 'read/absent')).toBeUndefined();
    expect(await h.provider.readObject(bucket, 'read/y', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(await h.provider.readObject('no-such-bucket', 'read/y')).toBeUndefined();
  });

  it('fails as GetObject does when an injected GetObject fault matches the key', async () => {
    const faults = new FaultRegistry();
    faults.set([
      { service: 's3', operation: 'GetObject', match: 'faulty/*', error: 'InternalError', status: 500 },
    ]);
    const faulty = await startHarness(bucket, undefined, faults);
    await faulty.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'faulty/x', Body: 'x' }));

    await expect(faulty.provider.readObject(bucket, 'faulty/x')).rejects.toMatchObject({
      code: 'InternalError',
    });
    await faulty.close();
  });
});
