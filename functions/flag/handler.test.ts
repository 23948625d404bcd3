import { describe, expect, it } from 'vitest';
import { loadHandler } from '../test-support/load-handler.ts';

const { handler } = await loadHandler(() => import('./handler.ts'));

describe('flag handler', () => {
  it('refuses thumbnails that are not the contract’s shape, naming the field', async () => {
    const attempt = handler({
      bucket: 'darkroom-images-test',
      owner: 'o',
      id: 'i',
      thumbnails: [
        { size: 'HUGE', format: 'JPEG', width: 1, height: 1, contentType: 'image/jpeg', key: 'k' },
      ],
    });

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /thumbnails\.0\.size/ });
  });
});
