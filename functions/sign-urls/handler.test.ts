import { describe, expect, it } from 'vitest';
import { loadHandler } from '../test-support/load-handler.ts';

const { handler } = await loadHandler(() => import('./handler.ts'));

describe('sign-urls handler', () => {
  it('answers a BatchInvoke payload with one entry per thumbnail, in order', async () => {
    // Act
    const urls = await handler([
      { key: 'thumbnails/owner-1/image-1/medium.webp', imageStatus: 'PROCESSING' },
      { key: 'thumbnails/owner-1/image-1/medium.webp', imageStatus: 'COMPLETED' },
    ]);

    // Assess
    expect(urls[0]).toBeNull();
    expect(new URL(urls[1] ?? '').hostname).toBe('darkroom-images-test.s3.us-east-1.amazonaws.com');
  });

  it('refuses an unknown image status', async () => {
    // Act
    const attempt = handler([{ key: 'thumbnails/o/i/small.jpg', imageStatus: 'DONE' }]);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /0\.imageStatus/ });
  });
});
