/**
 * A duplicate carries the moderator's verdict on its bytes (docs/contracts.md, "Duplicates"): once a
 * moderator APPROVEs a FLAGGED image, an identical re-upload by the same owner ends COMPLETED with
 * unblurred renditions and records the review it inherits — the machine's analysis still says what
 * Rekognition saw. A duplicate of an image still FLAGGED stays FLAGGED, blurred, awaiting review.
 * Real clients against the shared local stack; the flag comes from a canned Rekognition answer.
 */
import { GetObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import { makeModerator } from './moderators.ts';
import {
  admin,
  clientsFor,
  eventually,
  getImageItem,
  graphqlData as graphql,
  type StackClients,
  uploadJpeg,
  waitForStatus,
} from './support.ts';
import { createUser, type TestUser } from './users.ts';

interface ImageView {
  id: string;
  status: string;
  duplicateOf: string | null;
  analysis: { isSafe: boolean; moderationLabels: Array<{ name: string }> } | null;
  review: {
    decision: string;
    reviewer: string;
    note: string | null;
    reviewedAt: string;
    inheritedFrom: string | null;
  } | null;
  thumbnails: Array<{ size: string; format: string; key: string; url: string | null }>;
}

const imageFields = `id status duplicateOf
  analysis { isSafe moderationLabels { name } }
  review { decision reviewer note reviewedAt inheritedFrom }
  thumbnails { size format key url }`;

let clients: StackClients;
let moderator: TestUser;
let approvedOwner: TestUser;
let flaggedOwner: TestUser;
let jpeg: Buffer;

async function getImage(user: TestUser, id: string): Promise<ImageView> {
  const { getImage } = await graphql<{ getImage: ImageView | null }>(
    user,
    `query ($id: ID!) { getImage(id: $id) { ${imageFields} } }`,
    { id },
  );
  if (!getImage) throw new Error(`image ${id} not found`);
  return getImage;
}

interface FlaggedPage {
  items: Array<{ id: string }>;
  nextToken: string | null;
}

/** Every id in the moderators' queue, page by page. */
async function flaggedQueue(): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | null = null;
  do {
    const { listFlaggedImages }: { listFlaggedImages: FlaggedPage } = await graphql(
      moderator,
      'query ($nextToken: String) { listFlaggedImages(limit: 100, nextToken: $nextToken) { items { id } nextToken } }',
      { nextToken },
    );
    ids.push(...listFlaggedImages.items.map((item) => item.id));
    nextToken = listFlaggedImages.nextToken;
  } while (nextToken);
  return ids;
}

/** Uploads the owner's `jpeg` and waits for its terminal status, announced (statusKey settled). */
async function uploaded(owner: TestUser): Promise<{ id: string; item: Record<string, unknown> }> {
  const { image, response } = await uploadJpeg(owner, jpeg);
  expect(response.status).toBe(204);
  await waitForStatus(clients, owner.sub, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);
  const item = await eventually(
    async () => {
      const found = await getImageItem(clients, owner.sub, image.id);
      return found?.publishedAt ? found : undefined;
    },
    { what: `image ${image.id} to be announced` },
  );
  return { id: image.id, item };
}

/** A moderator's APPROVE, then the approval run's COMPLETED. */
async function approve(owner: TestUser, id: string): Promise<void> {
  await graphql(
    moderator,
    'mutation ($owner: ID!, $id: ID!) { reviewImage(owner: $owner, id: $id, decision: APPROVE, note: "fine") { id } }',
    { owner: owner.sub, id },
  );
  await waitForStatus(clients, owner.sub, id, ['COMPLETED', 'FAILED'], 90_000);
}

async function objectBytes(key: string): Promise<Buffer> {
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: names.localBucket, Key: key }));
  return Buffer.from(await (object.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
}

const largeJpegKey = (thumbnails: unknown): string => {
  const large = (thumbnails as Array<{ key: string; size: string; format: string }>).find(
    (t) => t.size === 'LARGE' && t.format === 'JPEG',
  );
  if (!large) throw new Error('no LARGE JPEG rendition');
  return large.key;
};

const sharpnessOf = async (key: string) => (await sharp(await objectBytes(key)).stats()).sharpness;

async function versionsUnder(prefix: string): Promise<string[]> {
  const listing = await clients.s3.send(
    new ListObjectVersionsCommand({ Bucket: names.localBucket, Prefix: prefix }),
  );
  return [...(listing.Versions ?? []), ...(listing.DeleteMarkers ?? [])].map((v) => String(v.Key));
}

beforeAll(async () => {
  clients = clientsFor();
  [approvedOwner, flaggedOwner, moderator] = await Promise.all([
    createUser('revdup-approved'),
    createUser('revdup-flagged'),
    makeModerator('revdup-mod'),
  ]);
  // Bytes no other test uploads: duplicates are found by the SHA-256 of exactly these bytes.
  jpeg = await sharp(photo('coffee.png'))
    .resize(1200, 800)
    .jpeg({ quality: 88 })
    .withExif({ IFD0: { ImageDescription: `review-duplicates ${Date.now()}` } })
    .toBuffer();
  const unsafe = (owner: TestUser) => ({
    service: 'rekognition',
    operation: 'DetectModerationLabels',
    match: `uploads/${owner.sub}/*`,
    response: {
      ModerationLabels: [{ Name: 'Violence', ParentName: '', Confidence: 91.5, TaxonomyLevel: 1 }],
      ModerationModelVersion: '7.0',
    },
  });
  await admin('faults', {
    method: 'PUT',
    body: JSON.stringify([unsafe(approvedOwner), unsafe(flaggedOwner)]),
  });
}, 120_000);

afterAll(async () => {
  await admin('faults', { method: 'PUT', body: '[]' });
});

describe('a duplicate of an image a moderator approved', () => {
  it('ends COMPLETED with the unblurred renditions, the machine’s analysis, and the inherited review', async () => {
    // Prepare: FLAGGED by vision, then approved by a moderator
    const first = await uploaded(approvedOwner);
    expect(first.item.status).toBe('FLAGGED');
    const blurredSharpness = await sharpnessOf(largeJpegKey(first.item.thumbnails));
    await approve(approvedOwner, first.id);
    const approved = await getImage(approvedOwner, first.id);
    expect(approved).toMatchObject({
      status: 'COMPLETED',
      review: { decision: 'APPROVE', inheritedFrom: null },
    });

    // Act: the same bytes again
    const second = await uploaded(approvedOwner);

    // Assess: COMPLETED as a duplicate, not back in the moderators' queue
    expect(second.item).toMatchObject({
      status: 'COMPLETED',
      ownerStatus: `${approvedOwner.sub}#COMPLETED`,
      duplicateOf: first.id,
    });
    expect(second.item.statusKey).toBeUndefined();
    expect(await flaggedQueue()).not.toContain(second.id);
    const view = await getImage(approvedOwner, second.id);
    // The machine's analysis as Rekognition gave it; the verdict is the moderator's, inherited.
    expect(view.analysis).toEqual(approved.analysis);
    expect(view.analysis).toMatchObject({ isSafe: false, moderationLabels: [{ name: 'Violence' }] });
    expect(view.review).toEqual({ ...approved.review, inheritedFrom: first.id });
    // Unblurred: the approved image's very renditions, as sharp as the approval made them.
    const secondLarge = largeJpegKey(second.item.thumbnails);
    expect(
      (await objectBytes(secondLarge)).equals(await objectBytes(largeJpegKey(approved.thumbnails))),
    ).toBe(true);
    expect(await sharpnessOf(secondLarge)).toBeGreaterThan(blurredSharpness * 2);
    for (const thumbnail of view.thumbnails) {
      expect(thumbnail.key.startsWith(keys.thumbnailPrefix(approvedOwner.sub, second.id))).toBe(true);
      expect((await fetch(String(thumbnail.url))).status, thumbnail.key).toBe(200);
    }
    // Nothing blurred left beside them, and the original stays where a COMPLETED image keeps it.
    expect((await versionsUnder(keys.thumbnailPrefix(approvedOwner.sub, second.id))).sort()).toEqual(
      view.thumbnails.map((t) => t.key).sort(),
    );
    expect(await versionsUnder(keys.quarantinePrefixOf(approvedOwner.sub, second.id))).toEqual([]);
    expect((await objectBytes(keys.original(approvedOwner.sub, second.id))).equals(jpeg)).toBe(true);
  }, 240_000);
});

describe('a duplicate of an image still FLAGGED', () => {
  let first: { id: string };
  let second: { id: string; item: Record<string, unknown> };

  it('stays FLAGGED, blurred, with no review, awaiting a moderator', async () => {
    // Prepare
    first = await uploaded(flaggedOwner);
    expect(first).toMatchObject({ item: { status: 'FLAGGED' } });

    // Act
    second = await uploaded(flaggedOwner);

    // Assess
    expect(second.item).toMatchObject({ status: 'FLAGGED', duplicateOf: first.id, statusKey: 'FLAGGED' });
    expect(second.item.review).toBeUndefined();
    const view = await getImage(flaggedOwner, second.id);
    expect(view.review).toBeNull();
    const firstLarge = await getImageItem(clients, flaggedOwner.sub, first.id);
    expect(
      (await objectBytes(largeJpegKey(second.item.thumbnails))).equals(
        await objectBytes(largeJpegKey(firstLarge?.thumbnails)),
      ),
    ).toBe(true);
    expect(await versionsUnder(keys.uploadPrefixOf(flaggedOwner.sub, second.id))).toEqual([]);
    expect(await flaggedQueue()).toEqual(expect.arrayContaining([first.id, second.id]));
  }, 240_000);

  it('follows a later copy a moderator approved, not an earlier copy still FLAGGED', async () => {
    // Prepare: the second copy is approved; the first still awaits review
    await approve(flaggedOwner, second.id);

    // Act
    const third = await uploaded(flaggedOwner);

    // Assess
    expect(third.item).toMatchObject({ status: 'COMPLETED', duplicateOf: second.id });
    const view = await getImage(flaggedOwner, third.id);
    expect(view.review).toMatchObject({
      decision: 'APPROVE',
      reviewer: moderator.sub,
      note: 'fine',
      inheritedFrom: second.id,
    });
    expect((await getImageItem(clients, flaggedOwner.sub, first.id))?.status).toBe('FLAGGED');
    expect(await flaggedQueue()).not.toContain(third.id);
  }, 240_000);
});
