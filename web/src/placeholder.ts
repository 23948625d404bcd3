/**
 * What the gallery paints until a thumbnail loads: the image's ThumbHash rendered to a tiny PNG
 * data URL over its dominant colour, as a CSS background the loaded thumbnail then covers.
 */
import type { CSSProperties } from 'react';
import { thumbHashToDataURL } from 'thumbhash';
import type { Image } from '../../client-sdk/index.ts';

export function placeholderStyle(image: Pick<Image, 'placeholder'>): CSSProperties | undefined {
  const placeholder = image.placeholder;
  if (!placeholder) return undefined;
  const bytes = Uint8Array.from(atob(placeholder.hash), (char) => char.charCodeAt(0));
  return {
    backgroundColor: placeholder.dominantColor,
    backgroundImage: `url(${thumbHashToDataURL(bytes)})`,
    backgroundSize: 'cover',
  };
}
