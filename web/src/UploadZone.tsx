/** A drop zone (and file picker) for many photos at once. */
import { type DragEvent, useRef, useState } from 'react';
import { supportedContentTypes } from '../../contracts/names.ts';

/** The picker offers exactly what requestUpload accepts, HEIC included (iPhones' default). */
const accept = supportedContentTypes.join(',');

export function UploadZone({ onFiles }: { onFiles(files: File[]): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const files = [...event.dataTransfer.files];
    if (files.length > 0) onFiles(files);
  };

  return (
    <section
      aria-label="Upload photos"
      className={`dropzone${over ? ' over' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <p>Drop photos here, or</p>
      <button type="button" onClick={() => input.current?.click()}>
        Choose photos
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        multiple
        hidden
        data-testid="file-input"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          if (files.length > 0) onFiles(files);
          event.target.value = '';
        }}
      />
    </section>
  );
}
