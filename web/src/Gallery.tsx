/** The caller's images, newest first, loading more as the end scrolls into view. */
import { useEffect, useRef } from 'react';
import type { Image } from '../../client-sdk/index.ts';
import { placeholderStyle } from './placeholder.ts';
import { srcSet, statusText, thumbnail } from './thumbnails.ts';

interface Props {
  images: Image[];
  loading: boolean;
  hasMore: boolean;
  onOpen(id: string): void;
  onEnd(): void;
}

export function Gallery({ images, loading, hasMore, onOpen, onEnd }: Props) {
  const sentinel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasMore) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) onEnd();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasMore, onEnd]);

  return (
    <section aria-label="Gallery" className="gallery">
      <h2>Your photos</h2>
      {images.length === 0 && !loading && <p className="empty">No photos yet.</p>}
      <ul className="grid">
        {images.map((image) => (
          <li key={image.id} data-testid="gallery-item" data-status={image.status}>
            <button type="button" className="card" onClick={() => onOpen(image.id)}>
              <Picture image={image} />
              <span className="caption">
                <span className="file">{image.fileName}</span>
                <span className={`status ${image.status.toLowerCase()}`}>{statusText[image.status]}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      <div ref={sentinel} aria-hidden="true" />
      {loading && <p aria-live="polite">Loading…</p>}
    </section>
  );
}

function Picture({ image }: { image: Image }) {
  const fallback = thumbnail(image, 'MEDIUM', 'JPEG');
  if (!fallback?.url) {
    return (
      <span className="placeholder">
        {image.status === 'FAILED'
          ? (image.error?.code ?? 'failed')
          : image.status === 'REJECTED'
            ? statusText.REJECTED
            : '…'}
      </span>
    );
  }
  return (
    <picture style={placeholderStyle(image)} data-placeholder={image.placeholder ? 'yes' : 'no'}>
      <source type="image/webp" srcSet={srcSet(image, 'WEBP')} sizes="200px" />
      <img
        src={fallback.url}
        srcSet={srcSet(image, 'JPEG')}
        sizes="200px"
        width={fallback.width}
        height={fallback.height}
        alt={image.fileName}
        loading="lazy"
      />
    </picture>
  );
}
