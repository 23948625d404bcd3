/**
 * Duplicate detection through the real upload flow: the same photo uploaded twice by one owner is
 * processed once — the second reuses the first's renditions and analysis (not one more Rekognition
 * call, counted at the local Rekognition) and says `duplicateOf` — while the same photo by another
 * owner is processed as if no one had it. A duplicate's renditions are its own copies, so they
 * outlive the first image.
 */
import { GetObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keys, names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import {
  admin,
  clientsFor,
  eventually,
  getImageItem,
  graphqlData as graphql,
  postUpload,
  requestUpload,
  type StackClients,
  uploadJpeg,
  waitForStatus,
} from './support.ts';
import { createUser, type TestUser } from './users.ts';

let clients: StackClients;
let jpeg: Buffer;

interface RekognitionCalls {
  total: number;
  byObject: Record<string, number>;
}

interface ImageView {
  id: string;
  status: string;
  duplicateOf: string | null;
  placeholder: { hash: string; dominantColor: string } | null;
  analysis: { labels: Array<{ name: string }>; isSafe: boolean } | null;
  thumbnails: Array<{ size: string; format: string; key: string; url: string | null }>;
}

const imageQuery = `query ($id: ID!) { getImage(id: $id) {
  id status duplicateOf placeholder { hash dominantColor }
  analysis { labels { name } isSafe }
  thumbnails { size format key url } } }`;

const getImage = async (user: TestUser, id: string) =>
  (await graphql<{ getImage: ImageView | null }>(user, imageQuery, { id })).getImage;

/** Calls the local Rekognition answered about this image's original. */
async function rekognitionCallsFor(owner: string, id: string): Promise<number> {
  const calls = await admin<RekognitionCalls>('rekognition/calls');
  return calls.byObject[keys.original(owner, id)] ?? 0;
}

/** Uploads `bytes` as `user` and waits for the terminal status. */
async function processed(user: TestUser, bytes: Buffer) {
  const { image, response } = await uploadJpeg(user, bytes);
  expect(response.status).toBe(204);
  const item = await waitForStatus(clients, user.sub, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);
  return { id: image.id, item };
}

/** Every thumbnail URL answers 200 with an image of the recorded kind. */
async function expectThumbnailsLoad(image: ImageView | null): Promise<void> {
  expect(image?.thumbnails).toHaveLength(6);
  for (const thumbnail of image?.thumbnails ?? []) {
    const response = await fetch(String(thumbnail.url));
    expect(response.status, thumbnail.key).toBe(200);
    const metadata = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect(metadata.format).toBe(thumbnail.format === 'JPEG' ? 'jpeg' : 'webp');
  }
}

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

async function objectBytes(key: string): Promise<Buffer> {
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: names.localBucket, Key: key }));
  return Buffer.from(await (object.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
}

const setFaults = (faults: unknown[]) => admin('faults', { method: 'PUT', body: JSON.stringify(faults) });

afterEach(async () => {
  await setFaults([]);
});

beforeAll(async () => {
  clients = clientsFor();
  // Bytes no other test uploads: a duplicate is found by the SHA-256 of exactly these bytes.
  jpeg = await sharp(photo('coffee.png'))
    .resize(640)
    .jpeg({ quality: 83 })
    .withExif({ IFD0: { ImageDescription: `duplicates ${Date.now()}` } })
    .toBuffer();
});

describe('the same photo uploaded twice', () => {
  it('by one owner: the second reuses the first’s renditions and analysis, with no Rekognition call, and outlives it', async () => {
    // Prepare
    const owner = await createUser('duplicates');
    const first = await processed(owner, jpeg);
    expect(first.item.status).toBe('COMPLETED');
    expect(await rekognitionCallsFor(owner.sub, first.id)).toBe(3);

    // Act
    const second = await processed(owner, jpeg);

    // Assess: COMPLETED as a duplicate, and Rekognition never asked about the second original
    expect(second.item.status).toBe('COMPLETED');
    expect(await rekognitionCallsFor(owner.sub, second.id)).toBe(0);
    const [firstView, secondView] = [await getImage(owner, first.id), await getImage(owner, second.id)];
    expect(secondView).toMatchObject({
      status: 'COMPLETED',
      duplicateOf: first.id,
      placeholder: firstView?.placeholder,
      analysis: firstView?.analysis,
    });
    expect(firstView?.duplicateOf).toBeNull();
    // Its renditions are its own objects, the same files under its own prefix.
    const fileNames = (view: ImageView | null, id: string) =>
      (view?.thumbnails ?? []).map((t) => t.key.replace(keys.thumbnailPrefix(owner.sub, id), '')).sort();
    expect(
      secondView?.thumbnails.every((t) => t.key.startsWith(keys.thumbnailPrefix(owner.sub, second.id))),
    ).toBe(true);
    expect(fileNames(secondView, second.id)).toEqual(fileNames(firstView, first.id));
    await expectThumbnailsLoad(secondView);

    // Act: the first image is deleted
    const deleted = await graphql<{ deleteImage: { id: string } }>(
      owner,
      'mutation ($id: ID!) { deleteImage(id: $id) { id } }',
      { id: first.id },
    );
    expect(deleted.deleteImage.id).toBe(first.id);

    // Assess: the duplicate's thumbnails still load
    expect(await getImageItem(clients, owner.sub, first.id)).toBeUndefined();
    await expectThumbnailsLoad(await getImage(owner, second.id));
  });

  it('by another owner: not a duplicate, processed normally, and nothing of the first owner’s is read', async () => {
    // Prepare
    const [alice, bob] = [await createUser('dup-alice'), await createUser('dup-bob')];
    const alices = await processed(alice, jpeg);
    expect(alices.item.status).toBe('COMPLETED');

    // Act
    const bobs = await processed(bob, jpeg);

    // Assess
    expect(bobs.item.status).toBe('COMPLETED');
    expect(bobs.item.duplicateOf).toBeUndefined();
    expect(await rekognitionCallsFor(bob.sub, bobs.id)).toBe(3);
    const view = await getImage(bob, bobs.id);
    expect(view?.duplicateOf).toBeNull();
    expect(view?.thumbnails.every((t) => t.key.startsWith(keys.thumbnailPrefix(bob.sub, bobs.id)))).toBe(
      true,
    );
    await expectThumbnailsLoad(view);
  });
});

describe('a duplicate of', () => {
  it('a FLAGGED image is FLAGGED with the blurred renditions, never unblurred ones, and its original quarantined', async () => {
    // Prepare: Rekognition calls this owner's uploads unsafe (a canned answer)
    const owner = await createUser('dup-flagged');
    await setFaults([
      {
        service: 'rekognition',
        operation: 'DetectModerationLabels',
        match: `uploads/${owner.sub}/*`,
        response: {
          ModerationLabels: [{ Name: 'Violence', ParentName: '', Confidence: 91.5, TaxonomyLevel: 1 }],
          ModerationModelVersion: '7.0',
        },
      },
    ]);
    const first = await processed(owner, jpeg);
    expect(first.item.status).toBe('FLAGGED');

    // Act
    const second = await processed(owner, jpeg);

    // Assess
    expect(second.item).toMatchObject({ status: 'FLAGGED', duplicateOf: first.id });
    expect(await rekognitionCallsFor(owner.sub, second.id)).toBe(0);
    const large = (item: Record<string, unknown>) =>
      (item.thumbnails as Array<{ key: string; size: string; format: string }>).find(
        (t) => t.size === 'LARGE' && t.format === 'JPEG',
      )?.key ?? '';
    const [firstLarge, secondLarge] = [
      await objectBytes(large(first.item)),
      await objectBytes(large(second.item)),
    ];
    // The very blurred rendition of the first image, far less detailed than a clear one.
    expect(secondLarge.equals(firstLarge)).toBe(true);
    const clear = await sharp(jpeg).resize(600).jpeg().toBuffer();
    expect(await sharpness(secondLarge)).toBeLessThan((await sharpness(clear)) / 3);
    // Nothing else under its thumbnail prefix; its upload moved to quarantine as for any FLAGGED image.
    const versions = async (prefix: string) =>
      (await clients.s3.send(new ListObjectVersionsCommand({ Bucket: names.localBucket, Prefix: prefix })))
        .Versions ?? [];
    expect((await versions(keys.thumbnailPrefix(owner.sub, second.id))).map((v) => v.Key).sort()).toEqual(
      (second.item.thumbnails as Array<{ key: string }>).map((t) => t.key).sort(),
    );
    expect(await versions(keys.uploadPrefixOf(owner.sub, second.id))).toEqual([]);
    expect((await objectBytes(keys.quarantinedOriginal(owner.sub, second.id))).equals(jpeg)).toBe(true);
  });

  it('an image still PROCESSING is processed normally', async () => {
    // Prepare: the first upload is held PROCESSING (Rekognition throttles it until the fault is cleared)
    const owner = await createUser('dup-processing');
    // The fault is set between the ticket and the POST, so it is in place before the pipeline starts.
    const { image: heldImage, ticket } = await requestUpload(owner, {
      contentType: 'image/jpeg',
      size: jpeg.length,
    });
    await setFaults([
      {
        service: 'rekognition',
        match: keys.original(owner.sub, heldImage.id),
        error: 'ThrottlingException',
      },
    ]);
    expect((await postUpload(ticket, jpeg, 'image/jpeg')).status).toBe(204);
    await eventually(
      async () => ((await rekognitionCallsFor(owner.sub, heldImage.id)) > 0 ? true : undefined),
      {
        what: 'the first upload to reach Rekognition',
      },
    );

    // Act
    const second = await processed(owner, jpeg);

    // Assess
    expect((await getImageItem(clients, owner.sub, heldImage.id))?.status).toBe('PROCESSING');
    expect(second.item.status).toBe('COMPLETED');
    expect(second.item.duplicateOf).toBeUndefined();
    expect(await rekognitionCallsFor(owner.sub, second.id)).toBe(3);
    await expectThumbnailsLoad(await getImage(owner, second.id));

    // The held upload finishes once Rekognition answers again (as a duplicate of the second, or not).
    await setFaults([]);
    const first = await waitForStatus(
      clients,
      owner.sub,
      heldImage.id,
      ['COMPLETED', 'FLAGGED', 'FAILED'],
      120_000,
    );
    expect(first.status).toBe('COMPLETED');
  });
});
