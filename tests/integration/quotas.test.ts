/**
 * Per-user quotas on the local stack through real HTTP: the last daily slot taken by exactly one of
 * two concurrent requests, bytes counted when the pipeline stores the original and given back by
 * deleteImage, the bytes limit, and usage items that never appear among the images.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import { quotas, usageDayKey, usageTotalKey, utcDay } from '../../contracts/usage.ts';
import { photo } from '../fixtures.ts';
import {
  clientsFor,
  graphqlAnswer as graphql,
  postUpload,
  requestUpload,
  type StackClients,
  waitForStatus,
} from './support.ts';
import { createUser, type TestUser } from './users.ts';

let clients: StackClients;
let jpeg: Buffer;

beforeAll(async () => {
  clients = clientsFor();
  jpeg = await sharp(photo('coffee.png')).resize(300).jpeg().toBuffer();
});

const requestUploadMutation =
  'mutation Upload($input: RequestUploadInput!) { requestUpload(input: $input) { image { id } } }';

function ask(user: TestUser, size = 1000) {
  return graphql<{ requestUpload: { image: { id: string } } }>(user, requestUploadMutation, {
    input: { fileName: 'photo.jpg', contentType: 'image/jpeg', size },
  });
}

async function myUsage(user: TestUser) {
  const answer = await graphql<{
    myUsage: { imagesToday: number; imagesPerDay: number; bytesStored: number; bytesLimit: number };
  }>(user, '{ myUsage { imagesToday imagesPerDay bytesStored bytesLimit } }');
  expect(answer.errors).toBeUndefined();
  return answer.data?.myUsage;
}

describe('per-user quotas', () => {
  it('gives the last upload slot of the day to exactly one of two concurrent requests', async () => {
    const user = await createUser('quota-race');
    await clients.documents.send(
      new PutCommand({
        TableName: names.table,
        Item: { ...usageDayKey(user.sub, utcDay(new Date().toISOString())), images: quotas.imagesPerDay - 1 },
      }),
    );

    const answers = await Promise.all([ask(user), ask(user)]);

    const won = answers.filter((a) => a.data?.requestUpload.image.id);
    const refused = answers.filter((a) => a.errors);
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.errors?.[0]?.errorType).toBe('QuotaExceeded');
    expect(refused[0]?.errors?.[0]?.message).toContain('imagesPerDay');
    expect(await myUsage(user)).toMatchObject({
      imagesToday: quotas.imagesPerDay,
      imagesPerDay: quotas.imagesPerDay,
    });
    // The refused request created no image.
    const listed = await graphql<{ listImages: { items: Array<{ id: string }> } }>(
      user,
      '{ listImages { items { id } } }',
    );
    expect(listed.data?.listImages.items.map((i) => i.id)).toEqual([won[0]?.data?.requestUpload.image.id]);
  });

  it("counts the stored original's bytes once stored, and deleteImage gives them back", async () => {
    const user = await createUser('quota-bytes');
    const { image, ticket } = await requestUpload(user, { contentType: 'image/jpeg', size: jpeg.length });
    expect(await myUsage(user)).toMatchObject({ imagesToday: 1, bytesStored: 0 });

    expect((await postUpload(ticket, jpeg, 'image/jpeg')).status).toBe(204);
    const item = await waitForStatus(clients, image.owner, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);
    expect(item.status).toBe('COMPLETED');
    expect(await myUsage(user)).toMatchObject({ bytesStored: jpeg.length, bytesLimit: quotas.bytesLimit });

    const deleted = await graphql(user, 'mutation Delete($id: ID!) { deleteImage(id: $id) { id } }', {
      id: image.id,
    });
    expect(deleted.errors).toBeUndefined();
    expect(await myUsage(user)).toMatchObject({ bytesStored: 0, imagesToday: 1 });
  });

  it('refuses an upload that would not fit under bytesLimit, naming the limit', async () => {
    const user = await createUser('quota-full');
    await clients.documents.send(
      new PutCommand({
        TableName: names.table,
        Item: { ...usageTotalKey(user.sub), bytesStored: quotas.bytesLimit - 500 },
      }),
    );

    expect((await ask(user, 500)).errors).toBeUndefined();
    const refused = await ask(user, 501);
    expect(refused.errors?.[0]).toMatchObject({ errorType: 'QuotaExceeded' });
    expect(refused.errors?.[0]?.message).toContain('bytesLimit');
  });

  it('stores no more than bytesLimit even when tickets were taken before any byte was stored', async () => {
    const user = await createUser('quota-store');
    // Distinct photos (an identical one would be a duplicate), the same size, room for exactly one.
    const photos = await Promise.all(
      ['first', 'second'].map((name) =>
        sharp(jpeg)
          .withExif({ IFD0: { ImageDescription: name } })
          .jpeg()
          .toBuffer(),
      ),
    );
    const largest = Math.max(...photos.map((p) => p.length));
    await clients.documents.send(
      new PutCommand({
        TableName: names.table,
        Item: { ...usageTotalKey(user.sub), bytesStored: quotas.bytesLimit - largest },
      }),
    );
    // Both tickets fit what is stored now: bytes count only once stored.
    const tickets = await Promise.all(
      photos.map((p) => requestUpload(user, { contentType: 'image/jpeg', size: p.length })),
    );

    for (const [index, { ticket }] of tickets.entries()) {
      expect((await postUpload(ticket, photos[index] as Buffer, 'image/jpeg')).status).toBe(204);
    }
    const items = await Promise.all(
      tickets.map(({ image }) =>
        waitForStatus(clients, image.owner, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']),
      ),
    );

    expect(items.map((item) => item.status).sort()).toEqual(['COMPLETED', 'FAILED']);
    const failed = items.find((item) => item.status === 'FAILED');
    expect(failed?.error).toMatchObject({
      code: 'QuotaExceeded',
      message: expect.stringContaining('bytesLimit'),
    });
    const usage = await myUsage(user);
    expect(usage?.bytesStored).toBeLessThanOrEqual(quotas.bytesLimit);
    const stored = items.find((item) => item.status === 'COMPLETED');
    expect(usage?.bytesStored).toBe(quotas.bytesLimit - largest + Number(stored?.usageBytes));
  });
});
