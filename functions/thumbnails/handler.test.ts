import { beforeAll, describe, expect, it } from 'vitest';

let handler: typeof import('./handler.ts').handler;

beforeAll(async () => {
  process.env.BUCKET_NAME = 'darkroom-images-test';
  process.env.AWS_REGION = 'us-east-1';
  ({ handler } = await import('./handler.ts'));
});

describe('thumbnails handler', () => {
  it('refuses an event without the original’s key, naming the field', async () => {
    const attempt = handler({ bucket: 'darkroom-images-test', owner: 'o', id: 'i' });

    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /key/ });
  });
});
