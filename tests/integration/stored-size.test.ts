/**
 * Issue 13, defect 8: `Image.size` is the stored object's size. The POST policy only caps the
 * upload at the declared size, so a smaller file is accepted and the declaration is not the truth.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { photo } from '../fixtures.ts';
import { clientsFor, graphqlData, postUpload, type UploadTicket, waitForStatus } from './support.ts';
import { createUser } from './users.ts';

const graphql = <T>(accessToken: string, query: string, variables: Record<string, unknown>) =>
  graphqlData<T>({ accessToken }, query, variables);

describe('Image.size', () => {
  it('is the size of the stored original, not the size requestUpload declared', async () => {
    const user = await createUser('size');
    const jpeg = await sharp(photo('coffee.png')).jpeg({ quality: 80 }).toBuffer();
    const declared = jpeg.length + 4096;
    const { requestUpload } = await graphql<{
      requestUpload: UploadTicket & { image: { id: string; size: number } };
    }>(
      user.accessToken,
      `mutation ($input: RequestUploadInput!) {
        requestUpload(input: $input) { url fields expiresAt image { id size } }
      }`,
      { input: { fileName: 'coffee.jpg', contentType: 'image/jpeg', size: declared } },
    );
    expect(requestUpload.image.size).toBe(declared);

    // `fields` is AWSJSON: a JSON string on the wire.
    const fields = JSON.parse(String(requestUpload.fields)) as Record<string, string>;
    const response = await postUpload({ ...requestUpload, fields }, jpeg, 'image/jpeg');
    expect(response.status, await response.text()).toBe(204);
    await waitForStatus(clientsFor(), user.sub, requestUpload.image.id, ['COMPLETED']);

    const { getImage } = await graphql<{ getImage: { size: number; status: string } }>(
      user.accessToken,
      'query ($id: ID!) { getImage(id: $id) { size status } }',
      { id: requestUpload.image.id },
    );
    expect(getImage).toEqual({ size: jpeg.length, status: 'COMPLETED' });
  });
});
