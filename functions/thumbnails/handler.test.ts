import { describe, expect, it } from 'vitest';
import { loadHandler } from '../test-support/load-handler.ts';

const { handler } = await loadHandler(() => import('./handler.ts'));

describe('thumbnails handler', () => {
  it('refuses an event without the original’s key, naming the field', async () => {
    const attempt = handler({ bucket: 'darkroom-images-test', owner: 'o', id: 'i' });

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /key/ });
  });
});
