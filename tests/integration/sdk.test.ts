/**
 * The client SDK against the local stack: real uploads through the pipeline, paging, reads and
 * deletes for two users in one process, and every typed error produced for real.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AmplifyOutputs } from '../../client-sdk/amplify-config.ts';
import { createDarkroomClient, type DarkroomClient } from '../../client-sdk/client.ts';
import {
  AbortedError,
  NotFoundError,
  ProcessingFailedError,
  UploadRejectedError,
  ValidationError,
} from '../../client-sdk/errors.ts';
import { postUpload } from '../../client-sdk/post-upload.ts';
import { photo as fixturePhoto } from '../fixtures.ts';
import { amplifySocketClosed } from './amplify-socket.ts';
import { eventually, stackInfo } from './support.ts';
import { createUser, type TestUser } from './users.ts';

let outputs: AmplifyOutputs;
let photo: Buffer;

beforeAll(async () => {
  outputs = JSON.parse(
    await readFile(path.join(stackInfo().dataDir, 'amplify_outputs.json'), 'utf8'),
  ) as AmplifyOutputs;
  photo = await sharp(fixturePhoto('astronaut.png')).resize(400).jpeg().toBuffer();
});

/** A client acting as `user`: the SDK's accessToken option, so several users share one process. */
function clientFor(user: TestUser): DarkroomClient {
  return createDarkroomClient(outputs, {
    accessToken: async () => user.accessToken,
    processingTimeoutMs: 30_000,
  });
}

async function rejection(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded');
}

describe('the client SDK', () => {
  let alice: TestUser;
  let bob: TestUser;
  let asAlice: DarkroomClient;
  let asBob: DarkroomClient;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([createUser('sdk-alice'), createUser('sdk-bob')]);
    const socketClosed = amplifySocketClosed();
    asAlice = clientFor(alice);
    asBob = clientFor(bob);
    return async () => {
      asAlice.close();
      asBob.close();
      await socketClosed;
    };
  });

  it('uploads a photo to COMPLETED, reporting every phase, and reads, pages and deletes it', async () => {
    const progress: Array<{ phase: string; loaded: number; total: number; imageId?: string }> = [];
    const image = await asAlice.upload(photo, {
      fileName: 'astronaut.jpg',
      onProgress: (event) => progress.push(event),
    });

    expect(image).toMatchObject({
      owner: alice.sub,
      fileName: 'astronaut.jpg',
      contentType: 'image/jpeg',
      size: photo.length,
      status: 'COMPLETED',
      width: 400,
      height: 400,
    });
    expect(image.thumbnails).toHaveLength(6);
    expect(image.thumbnails.every((thumbnail) => thumbnail.url?.startsWith('http'))).toBe(true);
    expect([...new Set(progress.map((event) => event.phase))]).toEqual([
      'requesting',
      'uploading',
      'processing',
    ]);
    const uploading = progress.filter((event) => event.phase === 'uploading');
    expect(uploading.at(-1)?.loaded).toBe(uploading.at(-1)?.total);
    expect(uploading.every((event) => event.imageId === image.id)).toBe(true);
    // The last report is the last milestone before the terminal state (issue 19).
    expect(progress.at(-1)).toEqual({
      phase: 'processing',
      loaded: photo.length,
      total: photo.length,
      imageId: image.id,
      stage: expect.stringMatching(/^(THUMBNAILS_READY|ANALYSED)$/),
      sequence: 4,
    });

    const second = await asAlice.upload(photo, { fileName: 'second.jpg' });
    const pages = [];
    for await (const page of asAlice.listImages({ limit: 1 })) pages.push(page);
    expect(pages.every((page) => page.items.length <= 1)).toBe(true);
    const listed = pages.flatMap((page) => page.items.map((item) => item.id));
    // Newest first: the second upload was requested later, so its ULID sorts higher.
    expect(listed.slice(0, 2)).toEqual([second.id, image.id]);
    expect(pages.length).toBeGreaterThanOrEqual(2);

    expect(await asAlice.getImage(image.id)).toMatchObject({ id: image.id, status: 'COMPLETED' });
    expect(await asBob.getImage(image.id)).toBeNull();
    const foreignDelete = await rejection(asBob.deleteImage(image.id));
    expect(foreignDelete).toBeInstanceOf(NotFoundError);

    expect(await asAlice.deleteImage(image.id)).toMatchObject({ id: image.id, owner: alice.sub });
    expect(await asAlice.getImage(image.id)).toBeNull();
    expect(await asAlice.getImage(second.id)).toMatchObject({ id: second.id });
  });

  it('refuses an SVG with a ValidationError naming the supported types', async () => {
    const error = await rejection(
      asBob.upload(photo, { fileName: 'photo.svg', contentType: 'image/svg+xml' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/image\/jpeg/);
    expect((error as ValidationError).message).toMatch(/image\/png/);
    expect((error as ValidationError).message).toMatch(/image\/webp/);
    expect((error as ValidationError).message).toMatch(/image\/heic/);
  });

  it('turns S3 refusing a POST larger than the ticket into UploadRejectedError EntityTooLarge', async () => {
    const { generateClient } = await import('aws-amplify/api');
    const { print } = await import('graphql');
    const { RequestUploadDocument } = await import('../../client-sdk/generated/operations.ts');
    const declared = 1000;
    const result = (await generateClient().graphql({
      query: print(RequestUploadDocument),
      variables: { input: { fileName: 'small.jpg', contentType: 'image/jpeg', size: declared } },
      authMode: 'lambda',
      authToken: bob.accessToken,
    })) as { data: { requestUpload: { url: string; fields: string } } };
    const ticket = result.data.requestUpload;

    const error = await rejection(
      postUpload({ url: ticket.url, fields: JSON.parse(ticket.fields) as Record<string, string> }, photo),
    );
    expect(photo.length).toBeGreaterThan(declared);
    expect(error).toBeInstanceOf(UploadRejectedError);
    expect(error).toMatchObject({ code: 'EntityTooLarge', status: 400 });
  });

  it('rejects with ProcessingFailedError UnsupportedImage when the file is not an image', async () => {
    const text = Buffer.from('this is a shopping list, not a photo\n'.repeat(20));
    const error = await rejection(asBob.upload(text, { fileName: 'list.jpg', contentType: 'image/jpeg' }));
    expect(error).toBeInstanceOf(ProcessingFailedError);
    const failed = error as ProcessingFailedError;
    expect(failed.error.code).toBe('UnsupportedImage');
    expect(await asBob.getImage(failed.imageId)).toMatchObject({
      status: 'FAILED',
      error: { code: 'UnsupportedImage' },
    });
  });

  it('rejects with AbortedError when the signal aborts during the POST, and S3 never gets the file', async () => {
    // Noise does not compress: a few MB, so the abort lands while most of the body is unsent.
    const large = await sharp({
      create: {
        width: 1600,
        height: 1600,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg({ quality: 95 })
      .toBuffer();
    const controller = new AbortController();
    let imageId: string | undefined;
    const error = await rejection(
      asBob.upload(large, {
        fileName: 'aborted.jpg',
        signal: controller.signal,
        onProgress: (event) => {
          if (event.phase !== 'uploading') return;
          imageId = event.imageId;
          controller.abort();
        },
      }),
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect(imageId).toBeDefined();
    expect(await asBob.getImage(imageId ?? '')).toMatchObject({ status: 'PENDING_UPLOAD' });
  });

  it('rejects with AbortedError when aborted while the pipeline runs, which still finishes the image', async () => {
    const controller = new AbortController();
    let imageId: string | undefined;
    const error = await rejection(
      asBob.upload(photo, {
        fileName: 'left-behind.jpg',
        signal: controller.signal,
        onProgress: (event) => {
          if (event.phase !== 'processing') return;
          imageId = event.imageId;
          controller.abort();
        },
      }),
    );
    expect(error).toBeInstanceOf(AbortedError);
    const image = await eventually(
      async () => {
        const current = await asBob.getImage(imageId ?? '');
        return current?.status === 'COMPLETED' ? current : undefined;
      },
      { what: `image ${imageId} to complete` },
    );
    expect(image.fileName).toBe('left-behind.jpg');
  });
});
