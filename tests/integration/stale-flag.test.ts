/**
 * A flag call from a stale execution (its lease taken over after a redrive or a sweep, the image
 * since finished by the newer one) must not move the image: before the lease check it quarantined
 * the original and purged uploads/ and every rendition the finished image shows.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { liveAlias } from '../../contracts/function-specs.ts';
import { keys, names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import { clientsFor, uploadJpeg, waitForStatus } from './support.ts';
import { createUser } from './users.ts';

describe('a flag call from a stale execution', () => {
  it('leaves a COMPLETED image, its original and its renditions exactly as they are', async () => {
    // Prepare: an image the pipeline finished
    const clients = clientsFor();
    const user = await createUser('stale-flag');
    const jpeg = await sharp(photo('coffee.png')).resize(640, 480).jpeg().toBuffer();
    const { image } = await uploadJpeg(user, jpeg);
    const completed = await waitForStatus(clients, image.owner, image.id, ['COMPLETED']);
    const prefixes = [
      keys.uploadPrefixOf(image.owner, image.id),
      keys.thumbnailPrefix(image.owner, image.id),
      keys.quarantinedOriginal(image.owner, image.id),
    ];
    const versions = async () =>
      Promise.all(
        prefixes.map(async (Prefix) => {
          const listing = await clients.s3.send(
            new ListObjectVersionsCommand({ Bucket: names.localBucket, Prefix }),
          );
          return [...(listing.Versions ?? []), ...(listing.DeleteMarkers ?? [])]
            .map((v) => `${v.Key}@${v.VersionId}`)
            .sort();
        }),
      );
    const before = await versions();

    // Act: the flag call of an execution whose lease a newer one took over
    const answer = await clients.lambda.send(
      new InvokeCommand({
        FunctionName: names.functions.flag,
        Qualifier: liveAlias,
        Payload: JSON.stringify({
          bucket: names.localBucket,
          versionId: completed.originalVersionId,
          owner: image.owner,
          id: image.id,
          thumbnails: completed.thumbnails,
          leaseToken: 'arn:aws:states:us-east-1:000000000000:express:darkroom-pipeline:an-earlier-attempt:1',
        }),
      }),
    );

    // Assess: a no-op success, every version where it was, the record unchanged
    expect(answer.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(answer.Payload ?? new Uint8Array()).toString('utf8'))).toMatchObject({
      thumbnails: [],
      leaseLost: true,
      deletedVersions: 7,
    });
    const after = await versions();
    expect(after).toEqual(before);
    expect(before[0]).toHaveLength(1);
    expect(before[1]).toHaveLength(completed.thumbnails.length);
    expect(before[2]).toEqual([]);
    const item = await waitForStatus(clients, image.owner, image.id, ['COMPLETED']);
    expect(item.thumbnails).toEqual(completed.thumbnails);
  }, 120_000);
});
