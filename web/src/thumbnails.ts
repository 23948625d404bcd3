/** Picks renditions from an Image's thumbnails for `<picture>` sources. */
import type { Image } from '../../client-sdk/index.ts';

type Thumbnail = Image['thumbnails'][number];

/** `url 150w, url 300w, url 600w` for one format; empty when nothing is signed yet. */
export function srcSet(image: Image, format: Thumbnail['format']): string {
  return image.thumbnails
    .filter((thumbnail) => thumbnail.format === format && thumbnail.url)
    .sort((a, b) => a.width - b.width)
    .map((thumbnail) => `${thumbnail.url} ${thumbnail.width}w`)
    .join(', ');
}

export function thumbnail(
  image: Image,
  size: Thumbnail['size'],
  format: Thumbnail['format'],
): Thumbnail | undefined {
  return image.thumbnails.find(
    (candidate) => candidate.size === size && candidate.format === format && candidate.url,
  );
}

export const statusText: Record<Image['status'], string> = {
  PENDING_UPLOAD: 'waiting for upload',
  PROCESSING: 'processing',
  COMPLETED: 'done',
  FLAGGED: 'flagged',
  FAILED: 'failed',
  REJECTED: 'rejected by a moderator',
};
