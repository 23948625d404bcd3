/**
 * The local vision engine: model workers started in the background at boot (calls wait for
 * them), a bounded queue that refuses work with ThrottlingException when full (the pipeline's
 * Retry handles it, as with Rekognition), and a short-lived cache so the three Detect* calls
 * the analyse function makes for one image cost one look at it.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { AwsError } from '../provider.ts';
import type { Detections } from './detections.ts';
import type { WorkerMessage } from './worker.ts';

export interface VisionEngineOptions {
  /** Model workers; the machine has 2 cores shared with sharp and the JVM. */
  workers?: number;
  /** Images waiting beyond this are refused with ThrottlingException. */
  queueLimit?: number;
  /** How long a result is reused for the same bytes. */
  cacheMs?: number;
}

export interface VisionStatus {
  ready: boolean;
  loadMs?: number;
  error?: string;
}

interface Job {
  image: Buffer;
  resolve(detections: Detections): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  busy?: { id: number; job: Job };
}

export class VisionEngine {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly cache = new Map<string, { at: number; result: Promise<Detections> }>();
  private readonly options: Required<VisionEngineOptions>;
  private state: VisionStatus = { ready: false };
  private nextId = 1;
  /** Accepted images not yet handed to a worker (including those waiting for the models). */
  private waiting = 0;
  readonly ready: Promise<void>;

  constructor(options: VisionEngineOptions = {}) {
    this.options = { workers: 1, queueLimit: 8, cacheMs: 30_000, ...options };
    this.ready = Promise.all(Array.from({ length: this.options.workers }, () => this.spawn())).then(() => {});
    // A failed load is reported by status() and by every call; it must not crash the stack.
    this.ready.catch(() => {});
  }

  status(): VisionStatus {
    return { ...this.state };
  }

  /** Finds objects, faces and moderation classes in an image (any format sharp decodes). */
  async analyse(image: Buffer): Promise<Detections> {
    const key = createHash('sha256').update(image).digest('hex');
    const now = Date.now();
    for (const [cached, entry] of this.cache)
      if (now - entry.at > this.options.cacheMs) this.cache.delete(cached);
    const hit = this.cache.get(key);
    if (hit) return hit.result;
    if (this.waiting >= this.options.queueLimit) {
      throw new AwsError('ThrottlingException', 'The local vision engine is busy: try again', 400);
    }
    this.waiting += 1;
    const result = this.ready.then(
      () =>
        new Promise<Detections>((resolve, reject) => {
          this.queue.push({ image, resolve, reject });
          this.dispatch();
        }),
    );
    this.cache.set(key, { at: now, result });
    result.catch(() => this.cache.delete(key));
    return result;
  }

  async stop(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    for (const job of this.queue.splice(0)) job.reject(new Error('vision engine stopped'));
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./worker.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
      const slot: Slot = { worker };
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          this.slots.push(slot);
          this.state = { ready: true, loadMs: Math.max(this.state.loadMs ?? 0, message.loadMs) };
          resolve();
          this.dispatch();
        } else if (message.type === 'load-failed') {
          this.state = { ready: false, error: message.message };
          reject(new Error(`vision models failed to load: ${message.message}`));
        } else if (slot.busy && slot.busy.id === message.id) {
          const { job } = slot.busy;
          slot.busy = undefined;
          if (message.type === 'result') job.resolve(message.detections);
          else
            job.reject(
              new AwsError(
                'InvalidImageFormatException',
                `Request has invalid image format: ${message.message}`,
              ),
            );
          this.dispatch();
        }
      });
      worker.on('error', (error) => {
        this.state = { ready: false, error: error.message };
        slot.busy?.job.reject(error);
        reject(error);
      });
      worker.unref();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const job = this.queue.shift();
      if (!job) return;
      this.waiting -= 1;
      const id = this.nextId;
      this.nextId += 1;
      slot.busy = { id, job };
      slot.worker.postMessage({ id, image: job.image });
    }
  }
}
