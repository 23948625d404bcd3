/** A vision worker thread: loads the models once, then answers one image at a time. */
import { parentPort } from 'node:worker_threads';
import { loadModels } from './models.ts';

export type WorkerRequest = { id: number; image: Uint8Array };
export type WorkerMessage =
  | { type: 'ready'; loadMs: number }
  | { type: 'load-failed'; message: string }
  | { type: 'result'; id: number; detections: import('./detections.ts').Detections }
  | { type: 'error'; id: number; message: string };

const port = parentPort;
if (!port) throw new Error('local/vision/worker.ts runs only as a worker thread');

const post = (message: WorkerMessage) => port.postMessage(message);

loadModels().then(
  (models) => {
    post({ type: 'ready', loadMs: models.loadMs });
    port.on('message', ({ id, image }: WorkerRequest) => {
      models.detect(Buffer.from(image.buffer, image.byteOffset, image.byteLength)).then(
        (detections) => post({ type: 'result', id, detections }),
        (error: unknown) =>
          post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) }),
      );
    });
  },
  (error: unknown) =>
    post({
      type: 'load-failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }),
);
