/**
 * Issue 13, defect 6: images inside every documented limit but with an extreme aspect ratio
 * complete; they used to end FAILED CorruptImage when analysis stretched them past JPEG's limit.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { clientsFor, postUpload, requestUpload, waitForStatus } from './support.ts';
import { createUser } from './users.ts';

describe('an extreme aspect ratio', () => {
  it.each([
    [12_000, 8],
    [1000, 1],
  ])('a %i×%i PNG ends COMPLETED with six thumbnails', async (width, height) => {
    const clients = clientsFor();
    const png = await sharp({ create: { width, height, channels: 3, background: '#3a6' } })
      .png()
      .toBuffer();
    const user = await createUser('strip');
    const { image, ticket } = await requestUpload(user, {
      contentType: 'image/png',
      size: png.length,
      fileName: 'strip.png',
    });

    const response = await postUpload(ticket, png, 'image/png');

    expect(response.status).toBe(204);
    const item = await waitForStatus(clients, image.owner, image.id, ['COMPLETED', 'FLAGGED', 'FAILED']);
    expect(item.error).toBeUndefined();
    expect(item).toMatchObject({ status: 'COMPLETED', width, height, format: 'png' });
    expect(item.thumbnails).toHaveLength(6);
  });
});
