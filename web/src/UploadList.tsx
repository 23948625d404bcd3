/** One row per file: a progress bar through upload and processing, then its outcome. */

export type UploadPhase = 'waiting' | 'uploading' | 'processing' | 'done' | 'flagged' | 'failed';

export interface Upload {
  key: string;
  name: string;
  phase: UploadPhase;
  progress: number;
  imageId?: string;
  error?: string;
}

const phaseText: Record<UploadPhase, string> = {
  waiting: 'waiting for upload',
  uploading: 'uploading',
  processing: 'processing',
  done: 'done',
  flagged: 'flagged',
  failed: 'failed',
};

export function UploadList({ uploads }: { uploads: Upload[] }) {
  if (uploads.length === 0) return null;
  return (
    <section aria-label="Uploads" className="uploads">
      <h2>Uploads</h2>
      <ul>
        {uploads.map((upload) => (
          <li key={upload.key} data-testid="upload" data-phase={upload.phase}>
            <span className="name">{upload.name}</span>
            <progress
              max={1}
              value={upload.phase === 'processing' ? undefined : upload.progress}
              aria-label={`${upload.name}: ${phaseText[upload.phase]}`}
            />
            <span className={`phase ${upload.phase}`}>
              {phaseText[upload.phase]}
              {upload.error ? `: ${upload.error}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
