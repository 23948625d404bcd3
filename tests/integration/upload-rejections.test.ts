import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys, names } from '../../contracts/names.ts';
import { photo } from '../fixtures.ts';
import {
  clientsFor,
  executionsFor,
  getImageItem,
  type PendingImage,
  postUpload,
  requestUpload,
  type StackClients,
  type UploadTicket,
} from './support.ts';
import { createUser, type TestUser } from './users.ts';

let clients: StackClients;
let user: TestUser;
let jpeg: Buffer;

beforeAll(async () => {
  clients = clientsFor();
  user = await createUser('rejections');
  jpeg = await sharp(photo('chelsea.png')).jpeg({ quality: 85 }).toBuffer();
});

/** A JPEG upload requested through the API, declaring `size` bytes. */
function requestJpegUpload(size = jpeg.length): Promise<{ image: PendingImage; ticket: UploadTicket }> {
  return requestUpload(user, { contentType: 'image/jpeg', size });
}

function errorCodeOf(xml: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];
}

/** The POST was refused with `code`, no object exists, no pipeline started, the item still waits. */
async function expectRefused(response: Response, code: string, image: PendingImage) {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(errorCodeOf(await response.text())).toBe(code);
  const key = keys.original(image.owner, image.id);
  await expect(
    clients.s3.send(new HeadObjectCommand({ Bucket: names.localBucket, Key: key })),
  ).rejects.toMatchObject({
    name: 'NotFound',
  });
  expect(await executionsFor(key)).toEqual([]);
  expect((await getImageItem(clients, image.owner, image.id))?.status).toBe('PENDING_UPLOAD');
}

describe('a presigned POST that breaks its policy', () => {
  it('is refused with EntityTooLarge when the file is larger than the declared size', async () => {
    const { image, ticket } = await requestJpegUpload(jpeg.length - 1);
    await expectRefused(await postUpload(ticket, jpeg, 'image/jpeg'), 'EntityTooLarge', image);
  });

  it('is refused with EntityTooSmall when the file is empty', async () => {
    const { image, ticket } = await requestJpegUpload();
    await expectRefused(await postUpload(ticket, Buffer.alloc(0), 'image/jpeg'), 'EntityTooSmall', image);
  });

  it('is refused with AccessDenied when the Content-Type is not the declared one', async () => {
    const { image, ticket } = await requestJpegUpload();
    const tampered: UploadTicket = { ...ticket, fields: { ...ticket.fields, 'Content-Type': 'image/png' } };
    await expectRefused(await postUpload(tampered, jpeg, 'image/png'), 'AccessDenied', image);
  });

  it('is refused with SignatureDoesNotMatch when the signature was tampered with', async () => {
    const { image, ticket } = await requestJpegUpload();
    const signature = ticket.fields['X-Amz-Signature'] ?? '';
    const flipped = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);
    const tampered: UploadTicket = { ...ticket, fields: { ...ticket.fields, 'X-Amz-Signature': flipped } };
    await expectRefused(await postUpload(tampered, jpeg, 'image/jpeg'), 'SignatureDoesNotMatch', image);
  });

  it('is refused with AccessDenied after the policy expired', async () => {
    const { image } = await requestJpegUpload();
    // Signed exactly as create-upload signs, with an expiry already in the past.
    const { url, fields } = await createPresignedPost(clients.s3, {
      Bucket: names.localBucket,
      Key: keys.original(image.owner, image.id),
      Conditions: [
        ['content-length-range', 1, image.size],
        ['eq', '$Content-Type', image.contentType],
      ],
      Fields: { 'Content-Type': image.contentType },
      Expires: -60,
    });
    const response = await postUpload({ url, fields, expiresAt: '' }, jpeg, 'image/jpeg');
    const body = await response.clone().text();
    expect(body).toMatch(/expired/i);
    await expectRefused(response, 'AccessDenied', image);
  });
});
