/**
 * Issue 13, defect 4: a thumbnails call that finishes after its execution stopped waiting (timed
 * out, or its Parallel branch cancelled) must leave nothing under an image that is FAILED by then.
 * Slow thumbnails and an analyse step that fails for platform reasons every time: each execution
 * ends while its thumbnails call still runs, and at the retry limit dispatch fails the image.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { flow } from '../../contracts/flow.ts';
import { keys, names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import { admin, clientsFor, eventually, executionsFor, uploadJpeg, waitForStatus } from './support.ts';
import { createUser } from './users.ts';

afterAll(async () => {
  await admin('faults', { method: 'PUT', body: '[]' });
});

describe('a thumbnails call that outlives its execution', () => {
  it('leaves no thumbnail under the image once it is FAILED, whichever finishes last', async () => {
    const clients = clientsFor();
    const user = await createUser('late-thumbnails');
    const jpeg = await sharp(photo('coffee.png')).resize(640, 480).jpeg().toBuffer();
    await admin('faults', {
      method: 'PUT',
      body: JSON.stringify([
        { service: 'lambda', operation: 'Invoke', match: names.functions.thumbnails, latencyMs: 3_000 },
        // A platform error on every attempt: the branch fails at once, the thumbnails call runs on.
        {
          service: 'lambda',
          operation: 'Invoke',
          match: names.functions.analyse,
          error: 'ServiceException',
          status: 500,
        },
      ]),
    });
    const { image } = await uploadJpeg(user, jpeg);
    const prefix = keys.thumbnailPrefix(image.owner, image.id);
    const thumbnailVersions = async () => {
      const listing = await clients.s3.send(
        new ListObjectVersionsCommand({ Bucket: names.localBucket, Prefix: prefix }),
      );
      return [...(listing.Versions ?? []), ...(listing.DeleteMarkers ?? [])];
    };

    const failed = await waitForStatus(clients, image.owner, image.id, ['FAILED'], 150_000);
    expect(failed.error).toMatchObject({ code: 'ServiceUnavailable' });
    const executions = await executionsFor(keys.original(image.owner, image.id));
    expect(executions).toHaveLength(flow.maxReceiveCount);
    expect(executions.every((e) => e.states.includes('Thumbnails'))).toBe(true);
    // The last attempts' thumbnails calls finish seconds after the image was FAILED.
    await eventually(async () => ((await thumbnailVersions()).length === 0 ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: `no object version under ${prefix}`,
    });
    await admin('faults', { method: 'PUT', body: '[]' });

    // One more late call, as a timed-out execution's would be, awaited to its end: it writes six
    // renditions, finds the image FAILED, deletes exactly what it wrote and says so.
    const late = await clients.lambda.send(
      new InvokeCommand({
        FunctionName: names.functions.thumbnails,
        Payload: JSON.stringify({
          bucket: names.localBucket,
          key: keys.original(image.owner, image.id),
          versionId: failed.originalVersionId,
          owner: image.owner,
          id: image.id,
          leaseToken: executions.at(-1)?.executionArn,
        }),
      }),
    );
    expect(late.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(late.Payload ?? new Uint8Array()).toString('utf8'))).toMatchObject({
      errorType: 'LeaseLost',
      errorMessage: expect.stringMatching(/FAILED.*6 thumbnail version/),
    });
    expect(await thumbnailVersions()).toEqual([]);
    const item = await waitForStatus(clients, image.owner, image.id, ['FAILED']);
    expect(item.thumbnails ?? []).toEqual([]);
  }, 240_000);
});
