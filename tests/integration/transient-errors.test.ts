/**
 * Issue 13, defect 5: a transient Rekognition error (a 5xx past the SDK's own retries) fails no
 * valid image: the state machine retries the analyse step with backoff.
 */
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { photo } from '../fixtures.ts';
import { admin, clientsFor, uploadJpeg, waitForStatus } from './support.ts';
import { createUser } from './users.ts';

/** The SDK's default attempts per call: this many failures fail one analyse invocation exactly. */
const sdkAttempts = 3;

afterAll(async () => {
  await admin('faults', { method: 'PUT', body: '[]' });
});

describe('a Rekognition InternalServerError', () => {
  it('is retried by the pipeline, and the image ends COMPLETED', async () => {
    const clients = clientsFor();
    const user = await createUser('transient');
    const owner = user.sub;
    const jpeg = await sharp(photo('coffee.png')).jpeg().toBuffer();
    await admin('faults', {
      method: 'PUT',
      body: JSON.stringify([
        {
          service: 'rekognition',
          operation: 'DetectLabels',
          match: `uploads/${owner}/*`,
          error: 'InternalServerError',
          status: 500,
          count: sdkAttempts,
        },
      ]),
    });

    const { image } = await uploadJpeg(user, jpeg);
    const item = await waitForStatus(clients, owner, image.id, ['COMPLETED', 'FLAGGED', 'FAILED'], 90_000);

    expect(item.error).toBeUndefined();
    expect(item.status).toBe('COMPLETED');
  }, 120_000);
});
