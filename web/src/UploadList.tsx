/**
 * One row per file: a progress bar through the upload, a stage bar through processing (one step
 * per milestone the pipeline reports, in the order they arrive), then its outcome.
 */
import type { ImageStage } from '../../client-sdk/index.ts';

export type UploadPhase = 'waiting' | 'uploading' | 'processing' | 'done' | 'flagged' | 'failed';

export interface Upload {
  key: string;
  name: string;
  phase: UploadPhase;
  progress: number;
  imageId?: string;
  error?: string;
  /** Milestones reached so far (THUMBNAILS_READY and ANALYSED may come either way). */
  stages: ImageStage[];
}

const stageSteps: Array<{ stage: ImageStage; text: string }> = [
  { stage: 'UPLOADED', text: 'uploaded' },
  { stage: 'INSPECTED', text: 'inspected' },
  { stage: 'THUMBNAILS_READY', text: 'thumbnails' },
  { stage: 'ANALYSED', text: 'analysed' },
];

function StageBar({ upload }: { upload: Upload }) {
  const last = upload.stages.at(-1);
  // A finished image passed every milestone, also one whose event was superseded by a later one.
  const finished = upload.phase === 'done' || upload.phase === 'flagged';
  return (
    <ol className="stages" aria-label={`${upload.name}: stages`} data-stage={last ?? ''}>
      {stageSteps.map(({ stage, text }) => (
        <li key={stage} data-reached={finished || upload.stages.includes(stage)}>
          {text}
        </li>
      ))}
    </ol>
  );
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
          <li
            key={upload.key}
            data-testid="upload"
            data-phase={upload.phase}
            data-stages={upload.stages.join(' ')}
          >
            <span className="name">{upload.name}</span>
            <span className="bars">
              <progress
                max={1}
                value={upload.progress}
                aria-label={`${upload.name}: ${phaseText[upload.phase]}`}
              />
              <StageBar upload={upload} />
            </span>
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
