import { readFile } from 'node:fs/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import { clientsFor, postUpload, requestUpload, type StackClients, waitForStatus } from './support.ts';
import { createUser } from './users.ts';

let clients: StackClients;
/** A real HEVC HEIF photograph as an iPhone writes them, 1280×854 landscape. */
let heic: Buffer;

beforeAll(async () => {
  clients = clientsFor();
  heic = await readFile(photo('example.heic'));
});

describe('a HEIC upload through a presigned POST', () => {
  it('ends COMPLETED at 1280×854 with landscape thumbnails decoded by libheif', async () => {
    const user = await createUser('heic');
    const { image, ticket } = await requestUpload(user, {
      contentType: 'image/heic',
      size: heic.length,
      fileName: 'IMG_0001.HEIC',
    });

    const response = await postUpload(ticket, heic, 'image/heic');
    expect(response.status).toBe(204);
    const item = await waitForStatus(clients, image.owner, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);

    expect(item.error).toBeUndefined();
    expect(item).toMatchObject({ status: 'COMPLETED', width: 1280, height: 854, format: 'heic' });
    expect(item.placeholder).toEqual({
      hash: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
      dominantColor: expect.stringMatching(/^#[0-9a-f]{6}$/),
    });
    const thumbnails = item.thumbnails as Array<{ size: string; format: string; key: string }>;
    const large = thumbnails.find((t) => t.size === 'LARGE' && t.format === 'JPEG');
    expect(large).toBeDefined();
    const object = await clients.s3.send(
      new GetObjectCommand({ Bucket: names.localBucket, Key: large?.key ?? '' }),
    );
    const bytes = Buffer.from(
      await (object.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())),
    );
    const metadata = await sharp(bytes).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['jpeg', 600, 400]);
  });
});
