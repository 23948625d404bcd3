import { describe, expect, it } from 'vitest';
import { loadHandler } from '../test-support/load-handler.ts';

const { handler } = await loadHandler(() => import('./handler.ts'));

describe('sign-urls handler', () => {
  it('answers a BatchInvoke payload with one entry per key, in order', async () => {
    // Act
    const urls = await handler([
      { key: 'thumbnails/owner-1/image-1/medium.webp', imageStatus: 'PROCESSING' },
      { key: 'thumbnails/owner-1/image-1/medium.webp', imageStatus: 'COMPLETED' },
    ]);

    // Assess
    expect(urls[0]).toBeNull();
    expect(new URL(String(urls[1])).hostname).toBe('darkroom-images-test.s3.us-east-1.amazonaws.com');
  });

  it("answers Image.thumbnails' items (one image's keys each) with a list of URLs per image", async () => {
    // Act
    const answers = await handler([
      {
        keys: ['thumbnails/owner-1/image-1/small.jpg', 'thumbnails/owner-1/image-1/small.webp'],
        imageStatus: 'COMPLETED',
      },
      { keys: ['thumbnails/owner-1/image-2/small.jpg'], imageStatus: 'PROCESSING' },
    ]);

    // Assess
    const [first, second] = answers as Array<Array<string | null>>;
    expect(first?.map((url) => new URL(url ?? '').pathname)).toEqual([
      '/thumbnails/owner-1/image-1/small.jpg',
      '/thumbnails/owner-1/image-1/small.webp',
    ]);
    expect(second).toEqual([null]);
  });

  it('refuses an item with both key and keys, or neither, naming the item', async () => {
    // Act
    const both = handler([{ key: 'thumbnails/o/i/small.jpg', keys: [], imageStatus: 'COMPLETED' }]);
    const neither = handler([{ imageStatus: 'COMPLETED' }]);

    // Assess
    await expect(both).rejects.toMatchObject({
      name: 'ValidationError',
      message: /0: give either key or keys/,
    });
    await expect(neither).rejects.toMatchObject({
      name: 'ValidationError',
      message: /0: give either key or keys/,
    });
  });

  it('refuses an unknown image status', async () => {
    // Act
    const attempt = handler([{ key: 'thumbnails/o/i/small.jpg', imageStatus: 'DONE' }]);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /0\.imageStatus/ });
  });
});
