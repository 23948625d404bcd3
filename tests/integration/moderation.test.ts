/**
 * The moderation branch, driven by a canned Rekognition answer (PUT /_darkroom/faults) so no
 * unsafe image ships with the tests: the image ends FLAGGED, with only blurred thumbnails.
 */
import { GetObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import {
  admin,
  clientsFor,
  eventually,
  type StackClients,
  snsMessagesAbout,
  uploadJpeg,
  waitForStatus,
} from './support.ts';
import { createUser, type TestUser } from './users.ts';

let clients: StackClients;
let jpeg: Buffer;
let user: TestUser;
let owner: string;

/** Mean absolute difference between horizontal neighbours: edges and detail; blur removes them. */
async function sharpness(image: Buffer): Promise<number> {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (let y = 0; y < info.height; y += 1) {
    for (let x = 1; x < info.width; x += 1) {
      sum += Math.abs((data[y * info.width + x] ?? 0) - (data[y * info.width + x - 1] ?? 0));
    }
  }
  return sum / (info.height * (info.width - 1));
}

beforeAll(async () => {
  clients = clientsFor();
  user = await createUser('moderation');
  owner = user.sub;
  jpeg = await sharp(photo('coffee.png')).resize(1200, 800).jpeg({ quality: 90 }).toBuffer();
  await admin('faults', {
    method: 'PUT',
    body: JSON.stringify([
      {
        service: 'rekognition',
        operation: 'DetectModerationLabels',
        match: `uploads/${owner}/*`,
        response: {
          ModerationLabels: [
            { Name: 'Explicit', ParentName: '', Confidence: 97.5, TaxonomyLevel: 1 },
            { Name: 'Explicit Nudity', ParentName: 'Explicit', Confidence: 97.5, TaxonomyLevel: 2 },
          ],
          ModerationModelVersion: '7.0',
        },
      },
    ]),
  });
});

afterAll(async () => {
  await admin('faults', { method: 'PUT', body: '[]' });
});

describe('an image Rekognition calls unsafe', () => {
  it('ends FLAGGED with the moderation labels, and its thumbnails are blurred renditions', async () => {
    const { image, response } = await uploadJpeg(user, jpeg);

    expect(response.status).toBe(204);
    const item = await waitForStatus(clients, owner, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);

    expect(item.status).toBe('FLAGGED');
    expect(item.analysis).toMatchObject({
      isSafe: false,
      moderationLabels: expect.arrayContaining([
        { name: 'Explicit Nudity', parentName: 'Explicit', confidence: 97.5 },
      ]),
    });
    const thumbnails = item.thumbnails as Array<{ key: string; size: string; format: string }>;
    const large = await clients.s3.send(
      new GetObjectCommand({
        Bucket: names.localBucket,
        Key: thumbnails.find((t) => t.size === 'LARGE' && t.format === 'JPEG')?.key,
      }),
    );
    const stored = Buffer.from(
      await (large.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())),
    );
    const crisp = await sharp(jpeg).resize(600, 400).jpeg().toBuffer();
    // A clear 600 px rendition of this photo has several times the edge energy of the stored one.
    expect(await sharpness(stored)).toBeLessThan((await sharpness(crisp)) / 3);
    // The item turns FLAGGED when the result is saved; publish and notify follow.
    const messages = await eventually(async () => {
      const found = await snsMessagesAbout(image.id);
      return found.length > 0 ? found : undefined;
    });
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]?.Message ?? '{}')).toMatchObject({ id: image.id, status: 'FLAGGED' });
  });

  it('keeps no unblurred rendition in any version, and moves the original to quarantine', async () => {
    const { image } = await uploadJpeg(user, jpeg);
    const item = await waitForStatus(clients, owner, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);
    expect(item.status).toBe('FLAGGED');

    const versionsUnder = async (prefix: string) => {
      const listing = await clients.s3.send(
        new ListObjectVersionsCommand({ Bucket: names.localBucket, Prefix: prefix }),
      );
      return { versions: listing.Versions ?? [], markers: listing.DeleteMarkers ?? [] };
    };
    // Exactly the six blurred renditions the record names, one version each: nothing else, ever.
    const thumbnailVersions = await versionsUnder(keys.thumbnailPrefix(owner, image.id));
    const recorded = (item.thumbnails as Array<{ key: string }>).map((t) => t.key).sort();
    expect(thumbnailVersions.versions.map((v) => v.Key).sort()).toEqual(recorded);
    expect(thumbnailVersions.markers).toEqual([]);
    // Every version under uploads/ is gone; the original is in quarantine, byte for byte.
    expect(await versionsUnder(keys.uploadPrefixOf(owner, image.id))).toEqual({ versions: [], markers: [] });
    const quarantined = await clients.s3.send(
      new GetObjectCommand({ Bucket: names.localBucket, Key: keys.quarantinedOriginal(owner, image.id) }),
    );
    expect(Buffer.from(await (quarantined.Body?.transformToByteArray() ?? new Uint8Array()))).toEqual(jpeg);
  });
});
