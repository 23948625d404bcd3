import { describe, expect, it } from 'vitest';
import { loadHandler } from '../test-support/load-handler.ts';

const { handler } = await loadHandler(() => import('./handler.ts'));

describe('create-upload handler', () => {
  it('returns a ticket for a supported type', async () => {
    // Act
    const ticket = await handler({ owner: 'owner-1', id: 'image-1', contentType: 'image/jpeg', size: 10 });

    // Assess
    expect(ticket.fields.key).toBe('uploads/owner-1/image-1/original');
    expect(Date.parse(ticket.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('accepts HEIC, which the pipeline decodes with libheif', async () => {
    const ticket = await handler({ owner: 'owner-1', id: 'image-1', contentType: 'image/heic', size: 10 });

    expect(ticket.fields['Content-Type']).toBe('image/heic');
  });

  it('refuses an SVG with a ValidationError naming the field', async () => {
    // Act
    const attempt = handler({ owner: 'owner-1', id: 'image-1', contentType: 'image/svg+xml', size: 10 });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /contentType/ });
  });

  it('refuses a size above the limit', async () => {
    // Act
    const attempt = handler({ owner: 'o', id: 'i', contentType: 'image/png', size: 25 * 1024 * 1024 + 1 });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: /size/ });
  });
});
