import { describe, expect, it } from 'vitest';
import { placeholderStyle } from './placeholder.ts';

describe('placeholderStyle', () => {
  it('paints the ThumbHash as a PNG data URL over the dominant colour', () => {
    // A ThumbHash of a 3:2 photograph, as the thumbnails step stores it.
    const style = placeholderStyle({
      placeholder: { hash: '1QcSHQRnh493V4dIh4eXh1h4kJUI', dominantColor: '#384858' },
    });

    expect(style?.backgroundColor).toBe('#384858');
    expect(style?.backgroundImage).toMatch(/^url\(data:image\/png;base64,[A-Za-z0-9+/]+=*\)$/);
  });

  it('paints nothing for an image without a placeholder (not processed yet, or stored before them)', () => {
    expect(placeholderStyle({ placeholder: null })).toBeUndefined();
  });
});
