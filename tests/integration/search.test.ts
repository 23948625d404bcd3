/**
 * searchImages on the local stack through real HTTP, with labels and faces from canned Rekognition
 * answers (PUT /_darkroom/faults, one per uploaded image): by label and parent label in any case,
 * faces, status, date range, pagination and owner isolation; deleteImage removes the index.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelPartition } from '../../contracts/label-index.ts';
import { names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import {
  admin,
  clientsFor,
  graphqlAnswer as graphql,
  postUpload,
  requestUpload,
  type StackClients,
  waitForStatus,
} from './support.ts';
import { createUser, type TestUser } from './users.ts';

interface Page {
  items: Array<{ id: string; createdAt: string }>;
  nextToken: string | null;
}

async function search(user: TestUser, filter: Record<string, unknown>, limit?: number, nextToken?: string) {
  const answer = await graphql<{ searchImages: Page }>(
    user,
    'query Search($filter: ImageSearchInput!, $limit: Int, $nextToken: String) { searchImages(filter: $filter, limit: $limit, nextToken: $nextToken) { items { id createdAt } nextToken } }',
    { filter, limit, nextToken },
  );
  expect(answer.errors).toBeUndefined();
  return answer.data?.searchImages as Page;
}

/** Every id the search finds, following nextToken as the SDK does. */
async function searchAll(user: TestUser, filter: Record<string, unknown>, limit = 10): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = await search(user, filter, limit, token);
    ids.push(...page.items.map((i) => i.id));
    token = page.nextToken ?? undefined;
  } while (token);
  return ids;
}

/** The same instant as `iso` (UTC), written in another zone's offset (`±hh:mm` or `±hh:mm:ss`). */
function withOffset(iso: string, offset: string): string {
  const [hours = 0, minutes = 0, seconds = 0] = offset.slice(1).split(':').map(Number);
  const sign = offset.startsWith('-') ? -1 : 1;
  const shifted = new Date(Date.parse(iso) + sign * ((hours * 60 + minutes) * 60 + seconds) * 1000);
  return `${shifted.toISOString().slice(0, -1)}${offset}`;
}

interface Seen {
  labels: Array<{ name: string; parents: string[] }>;
  faces: number;
}

let clients: StackClients;
let jpeg: Buffer;
let alice: TestUser;
let bob: TestUser;
const faults: unknown[] = [];
const ids: Record<string, string> = {};

/** Uploads one photo as `user` for which Rekognition "sees" `seen`; waits for COMPLETED. */
async function upload(user: TestUser, name: string, seen: Seen) {
  // Distinct bytes per upload: an identical re-upload would reuse the first one's analysis (duplicateOf).
  const bytes = await sharp(jpeg)
    .withExif({ IFD0: { ImageDescription: name } })
    .jpeg()
    .toBuffer();
  const { image, ticket } = await requestUpload(user, { contentType: 'image/jpeg', size: bytes.length });
  const match = `uploads/${image.owner}/${image.id}/*`;
  faults.push(
    {
      service: 'rekognition',
      operation: 'DetectLabels',
      match,
      response: {
        Labels: seen.labels.map((l) => ({
          Name: l.name,
          Confidence: 95,
          Parents: l.parents.map((p) => ({ Name: p })),
        })),
        LabelModelVersion: '3.0',
      },
    },
    {
      service: 'rekognition',
      operation: 'DetectFaces',
      match,
      response: {
        FaceDetails: Array.from({ length: seen.faces }, () => ({
          BoundingBox: { Left: 0.1, Top: 0.1, Width: 0.2, Height: 0.2 },
          Confidence: 99,
        })),
      },
    },
  );
  await admin('faults', { method: 'PUT', body: JSON.stringify(faults) });
  expect((await postUpload(ticket, bytes, 'image/jpeg')).status).toBe(204);
  const item = await waitForStatus(clients, image.owner, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);
  expect(item.status).toBe('COMPLETED');
  ids[name] = image.id;
}

beforeAll(async () => {
  clients = clientsFor();
  jpeg = await sharp(photo('coffee.png')).resize(300).jpeg().toBuffer();
  [alice, bob] = await Promise.all([createUser('search-alice'), createUser('search-bob')]);
  await upload(alice, 'cat', { labels: [{ name: 'Cat', parents: ['Animal', 'Pet'] }], faces: 0 });
  await upload(alice, 'person', { labels: [{ name: 'Person', parents: [] }], faces: 2 });
  await upload(alice, 'dog', { labels: [{ name: 'Dog', parents: ['Animal'] }], faces: 0 });
  await upload(bob, 'bobDog', { labels: [{ name: 'Dog', parents: ['Animal'] }], faces: 0 });
  ids.pending = (await requestUpload(alice, { contentType: 'image/jpeg', size: 100 })).image.id;
}, 120_000);

afterAll(async () => {
  await admin('faults', { method: 'PUT', body: '[]' });
});

describe('searchImages', () => {
  it('finds by label name in any case, and by a parent label, newest first', async () => {
    expect(await searchAll(alice, { label: 'cAT' })).toEqual([ids.cat]);
    expect(await searchAll(alice, { label: 'Animal' })).toEqual([ids.dog, ids.cat]);
    expect(await searchAll(alice, { label: 'giraffe' })).toEqual([]);
  });

  it("never shows another user's images", async () => {
    expect(await searchAll(alice, { label: 'dog' })).toEqual([ids.dog]);
    expect(await searchAll(bob, { label: 'dog' })).toEqual([ids.bobDog]);
    expect(await searchAll(bob, { hasFaces: false })).toEqual([ids.bobDog]);
  });

  it('finds by faces, alone and with a label', async () => {
    expect(await searchAll(alice, { hasFaces: true })).toEqual([ids.person]);
    expect(await searchAll(alice, { hasFaces: false, label: 'animal' })).toEqual([ids.dog, ids.cat]);
    expect(await searchAll(alice, { hasFaces: true, label: 'animal' })).toEqual([]);
  });

  it('finds by status', async () => {
    expect(await searchAll(alice, { status: 'PENDING_UPLOAD' })).toEqual([ids.pending]);
    expect(await searchAll(alice, { status: 'COMPLETED' })).toEqual([ids.dog, ids.person, ids.cat]);
    expect(await searchAll(alice, { status: 'PENDING_UPLOAD', label: 'cat' })).toEqual([]);
  });

  it('finds by date range, inclusive, with and without a label', async () => {
    const all = await search(alice, {}, 10);
    const created = Object.fromEntries(all.items.map((i) => [i.id, i.createdAt]));
    const from = created[ids.person as string];
    const to = created[ids.dog as string];
    expect(await searchAll(alice, { from, to })).toEqual([ids.dog, ids.person]);
    expect(await searchAll(alice, { from, to, label: 'animal' })).toEqual([ids.dog]);
    expect(await searchAll(alice, { to: from })).toEqual([ids.person, ids.cat]);
  });

  it('reads a date-time with any AWSDateTime offset, seconds included, as the same instant', async () => {
    const all = await search(alice, {}, 10);
    const created = Object.fromEntries(all.items.map((i) => [i.id, i.createdAt]));
    const from = withOffset(created[ids.person as string] as string, '+05:30:00');
    const to = withOffset(created[ids.dog as string] as string, '-03:00:30');
    expect(await searchAll(alice, { from, to })).toEqual([ids.dog, ids.person]);
    expect(await searchAll(alice, { from, to, label: 'animal' })).toEqual([ids.dog]);
  });

  it('matches hasFaces only on analysed images: an upload not yet processed has no answer either way', async () => {
    expect(await searchAll(alice, { hasFaces: false })).toEqual([ids.dog, ids.cat]);
    expect(await searchAll(alice, { hasFaces: false, status: 'PENDING_UPLOAD' })).toEqual([]);
    expect(await searchAll(alice, { hasFaces: true, status: 'PENDING_UPLOAD' })).toEqual([]);
  });

  it('pages newest first with a nextToken', async () => {
    const first = await search(alice, { label: 'animal' }, 1);
    expect(first.items.map((i) => i.id)).toEqual([ids.dog]);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await search(alice, { label: 'animal' }, 1, first.nextToken ?? undefined);
    expect(second.items.map((i) => i.id)).toEqual([ids.cat]);
    expect(await searchAll(alice, { status: 'COMPLETED' }, 1)).toEqual([ids.dog, ids.person, ids.cat]);
  });

  it('refuses bad filters with a ValidationError naming the field', async () => {
    const answer = await graphql(alice, '{ searchImages(filter: { label: "  " }) { items { id } } }');
    expect(answer.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
    expect(answer.errors?.[0]?.message).toContain('filter.label');
    const backwards = await graphql(
      alice,
      '{ searchImages(filter: { from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { items { id } } }',
    );
    expect(backwards.errors?.[0]?.message).toContain('filter.from');
    // Longer than any label: DynamoDB would refuse the partition key it makes (2,048 bytes at most).
    const long = await graphql(
      alice,
      'query S($label: String) { searchImages(filter: { label: $label }) { items { id } } }',
      {
        label: 'ü'.repeat(1100),
      },
    );
    expect(long.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
    expect(long.errors?.[0]?.message).toContain('filter.label');
    const empty = await graphql(alice, '{ searchImages(filter: {}, nextToken: "") { items { id } } }');
    expect(empty.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
    expect(empty.errors?.[0]?.message).toContain('nextToken');
  });

  it('forgets a deleted image: it leaves the label index too', async () => {
    const deleted = await graphql(bob, 'mutation D($id: ID!) { deleteImage(id: $id) { id } }', {
      id: ids.bobDog,
    });
    expect(deleted.errors).toBeUndefined();
    expect(await searchAll(bob, { label: 'dog' })).toEqual([]);
    for (const term of ['dog', 'animal']) {
      const { Items } = await clients.documents.send(
        new QueryCommand({
          TableName: names.table,
          KeyConditionExpression: '#owner = :partition',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':partition': labelPartition(bob.sub, term) },
        }),
      );
      expect(Items).toEqual([]);
    }
  });
});
