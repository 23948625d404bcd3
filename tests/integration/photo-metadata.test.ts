/**
 * Photo metadata through the real upload flow: EXIF facts for every upload, the GPS location
 * only when the upload asked to keep it, and then only to the owner.
 */
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../fixtures.ts';
import {
  clientsFor,
  getImageItem,
  postUpload,
  requestUpload,
  type StackClients,
  stackInfo,
  waitForStatus,
} from './support.ts';
import { createUser, type TestUser } from './users.ts';

let clients: StackClients;
let owner: TestUser;
/** A camera JPEG: make, model, ISO and a GPS position near the Eiffel Tower. */
let cameraJpeg: Buffer;

beforeAll(async () => {
  clients = clientsFor();
  owner = await createUser('metadata');
  cameraJpeg = await sharp(photo('coffee.png'))
    .withExif({
      IFD0: { Make: 'FUJIFILM', Model: 'X-T5' },
      IFD2: { ISOSpeedRatings: '400', FNumber: '28/10' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 3024/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 17/1 4020/100',
      },
    })
    .jpeg()
    .toBuffer();
});

async function upload(keepLocation?: boolean): Promise<string> {
  const { image, ticket } = await requestUpload(owner, {
    contentType: 'image/jpeg',
    size: cameraJpeg.length,
    ...(keepLocation === undefined ? {} : { keepLocation }),
  });
  expect((await postUpload(ticket, cameraJpeg, 'image/jpeg')).status).toBe(204);
  const item = await waitForStatus(clients, image.owner, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);
  expect(item.status).toBe('COMPLETED');
  return image.id;
}

async function metadataAs(caller: TestUser, id: string) {
  const response = await fetch(stackInfo().graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: caller.accessToken },
    body: JSON.stringify({
      query:
        'query ($id: ID!) { getImage(id: $id) { metadata { cameraMake cameraModel iso fNumber gps { latitude longitude } } } }',
      variables: { id },
    }),
  });
  const result = (await response.json()) as {
    data?: { getImage: { metadata: Record<string, unknown> | null } | null };
    errors?: unknown;
  };
  expect(result.errors).toBeUndefined();
  return result.data?.getImage?.metadata;
}

describe('photo metadata', () => {
  it('reads the EXIF facts and drops the location when the upload did not ask to keep it', async () => {
    const id = await upload();

    const stored = await getImageItem(clients, owner.sub, id);
    expect(stored?.metadata).toMatchObject({ cameraMake: 'FUJIFILM', cameraModel: 'X-T5', iso: 400 });
    expect(stored?.metadata).not.toHaveProperty('gps');
    expect(await metadataAs(owner, id)).toEqual({
      cameraMake: 'FUJIFILM',
      cameraModel: 'X-T5',
      iso: 400,
      fNumber: 2.8,
      gps: null,
    });
  });

  it('keeps the location when asked and returns it to the owner', async () => {
    const id = await upload(true);

    const metadata = await metadataAs(owner, id);
    const gps = metadata?.gps as { latitude: number; longitude: number } | null;
    expect(gps?.latitude).toBeCloseTo(48.8584, 3);
    expect(gps?.longitude).toBeCloseTo(2.2945, 3);
  });
});
