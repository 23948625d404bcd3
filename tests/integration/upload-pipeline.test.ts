import { createHash } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys, names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import {
  clientsFor,
  eventually,
  executionsFor,
  postUpload,
  requestUpload,
  type StackClients,
  snsMessagesAbout,
  waitForStatus,
} from './support.ts';
import { createUser } from './users.ts';

const coffee = photo('coffee.png');
let clients: StackClients;
/** A real photo (600×400 coffee cup) as a 1200×800 JPEG: 3:2, so every thumbnail size is exact. */
let jpeg: Buffer;

beforeAll(async () => {
  clients = clientsFor();
  jpeg = await sharp(coffee).resize(1200, 800).jpeg({ quality: 90 }).toBuffer();
});

async function objectBytes(key: string): Promise<Buffer> {
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: names.localBucket, Key: key }));
  return Buffer.from(await (object.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
}

describe('an upload through a presigned POST', () => {
  it('runs the pipeline to COMPLETED with six thumbnails of the right sizes and one SNS message', async () => {
    const user = await createUser('pipeline');
    const { image, ticket } = await requestUpload(user, { contentType: 'image/jpeg', size: jpeg.length });

    const started = Date.now();
    const response = await postUpload(ticket, jpeg, 'image/jpeg');
    expect(response.status).toBe(204);
    const item = await waitForStatus(clients, image.owner, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);
    const elapsedMs = Date.now() - started;
    console.info(`one photo from POST to ${item.status}: ${elapsedMs} ms`);

    expect(item.error).toBeUndefined();
    expect(item.status).toBe('COMPLETED');
    expect(item).toMatchObject({ width: 1200, height: 800, format: 'jpeg' });
    const expected = { SMALL: [150, 100], MEDIUM: [300, 200], LARGE: [600, 400] } as const;
    const thumbnails = item.thumbnails as Array<{
      size: keyof typeof expected;
      format: string;
      key: string;
      width: number;
      height: number;
    }>;
    expect(thumbnails.map((t) => `${t.size}/${t.format}`).sort()).toEqual([
      'LARGE/JPEG',
      'LARGE/WEBP',
      'MEDIUM/JPEG',
      'MEDIUM/WEBP',
      'SMALL/JPEG',
      'SMALL/WEBP',
    ]);
    for (const thumbnail of thumbnails) {
      const ext = thumbnail.format === 'JPEG' ? 'jpg' : 'webp';
      // The revision is the hash of the rendition's bytes: a key names exactly one rendition.
      const revision = createHash('sha256')
        .update(await objectBytes(thumbnail.key))
        .digest('hex')
        .slice(0, 16);
      expect(thumbnail.key).toBe(
        keys.thumbnail(image.owner, image.id, thumbnail.size.toLowerCase() as 'small', ext, revision),
      );
      const metadata = await sharp(await objectBytes(thumbnail.key)).metadata();
      expect([metadata.width, metadata.height]).toEqual(expected[thumbnail.size]);
      expect(metadata.format).toBe(thumbnail.format === 'JPEG' ? 'jpeg' : 'webp');
      expect([thumbnail.width, thumbnail.height]).toEqual(expected[thumbnail.size]);
    }
    const executions = await eventually(
      async () => {
        const found = await executionsFor(keys.original(image.owner, image.id));
        return found.some((e) => e.status !== 'RUNNING') ? found : undefined;
      },
      { what: 'the execution to finish' },
    );
    expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    const messages = await snsMessagesAbout(image.id);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.TopicArn).toBe(`arn:aws:sns:us-east-1:000000000000:${names.topic}`);
  });
});
