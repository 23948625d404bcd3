import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import { admin, stackInfo } from './support.ts';

/** One attempt per call: the SDK's own retries would hide an injected fault. */
function s3(): S3Client {
  const stack = stackInfo();
  return new S3Client({
    endpoint: stack.url,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: stack.accessKeyId, secretAccessKey: stack.secretAccessKey },
  });
}

async function setFaults(faults: unknown[]): Promise<void> {
  await admin('faults', { method: 'PUT', body: JSON.stringify(faults) });
}

afterEach(async () => {
  await admin('faults', { method: 'DELETE' });
});

describe('injected faults on the running stack', () => {
  it('fails an S3 PutObject the admin API was told to fail (S3 used to be built without faults)', async () => {
    await setFaults([
      { service: 's3', operation: 'PutObject', match: 'faults-test/*', error: 'SlowDown', status: 503 },
    ]);
    const put = s3().send(
      new PutObjectCommand({ Bucket: names.localBucket, Key: 'faults-test/a.txt', Body: 'x' }),
    );
    await expect(put).rejects.toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    // Another key is untouched.
    await expect(
      s3().send(new PutObjectCommand({ Bucket: names.localBucket, Key: 'other-test/a.txt', Body: 'x' })),
    ).resolves.toBeDefined();
  });
});
