/** One image: large rendition with face boxes, labels, moderation verdict, delete. */
import { useEffect, useRef } from 'react';
import type { Image } from '../../client-sdk/index.ts';
import { PhotoFacts } from './PhotoFacts.tsx';
import { placeholderStyle } from './placeholder.ts';
import { statusText, thumbnail } from './thumbnails.ts';

interface Props {
  image: Image;
  onClose(): void;
  onDelete(image: Image): Promise<void>;
}

export function ImageDetail({ image, onClose, onDelete }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const webp = thumbnail(image, 'LARGE', 'WEBP');
  const jpeg = thumbnail(image, 'LARGE', 'JPEG');
  const analysis = image.analysis;
  const flagged = image.status === 'FLAGGED';

  return (
    <dialog ref={dialog} className="detail" aria-labelledby="detail-title" onClose={onClose}>
      <header>
        <h2 id="detail-title">{image.fileName}</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="detail-body">
        <figure className="large">
          {jpeg?.url ? (
            <div className="frame">
              <picture style={placeholderStyle(image)} data-placeholder={image.placeholder ? 'yes' : 'no'}>
                {webp?.url && <source type="image/webp" srcSet={webp.url} />}
                <img
                  src={jpeg.url}
                  width={jpeg.width}
                  height={jpeg.height}
                  alt={image.fileName}
                  data-testid="detail-image"
                />
              </picture>
              {/* Flagged images show only their blurred renditions, and no face boxes. */}
              {!flagged &&
                analysis?.faces.map((face, index) => (
                  <span
                    // biome-ignore lint/suspicious/noArrayIndexKey: faces have no identity but their order
                    key={index}
                    className="face"
                    data-testid="face-box"
                    title={`face, ${face.confidence.toFixed(0)}%`}
                    style={{
                      left: `${face.boundingBox.left * 100}%`,
                      top: `${face.boundingBox.top * 100}%`,
                      width: `${face.boundingBox.width * 100}%`,
                      height: `${face.boundingBox.height * 100}%`,
                    }}
                  />
                ))}
            </div>
          ) : (
            <p className="placeholder">{statusText[image.status]}</p>
          )}
          <figcaption>
            {image.width ?? '?'}×{image.height ?? '?'} {image.format ?? ''} · {statusText[image.status]}
          </figcaption>
        </figure>
        <div className="facts">
          {image.error && (
            <p role="alert" className="error">
              {image.error.code}: {image.error.message}
            </p>
          )}
          {analysis && (
            <>
              <h3>Moderation</h3>
              <p data-testid="verdict" className={analysis.isSafe ? 'safe' : 'unsafe'}>
                {analysis.isSafe
                  ? 'Safe'
                  : `Flagged: ${analysis.moderationLabels.map((label) => label.name).join(', ')}`}
              </p>
              <h3>Labels</h3>
              {analysis.labels.length === 0 ? (
                <p>No labels.</p>
              ) : (
                <ul className="labels">
                  {analysis.labels.map((label) => (
                    <li key={label.name}>
                      {label.name} <span className="confidence">{label.confidence.toFixed(0)}%</span>
                    </li>
                  ))}
                </ul>
              )}
              <h3>Faces</h3>
              <p>{analysis.faceCount}</p>
            </>
          )}
          <PhotoFacts metadata={image.metadata} />
          <button type="button" className="danger" onClick={() => void onDelete(image)}>
            Delete
          </button>
        </div>
      </div>
    </dialog>
  );
}
